import { builder } from './builder.js';

export const SortDirection = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });
