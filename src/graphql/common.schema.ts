import { builder } from './builder.js';

export const SortDirection = builder.enumType('SortDirection', {
  description: 'Sort order.',
  values: {
    ASC: { description: 'Smallest, earliest or alphabetically first first.' },
    DESC: { description: 'Largest, latest or alphabetically last first.' },
  } as const,
});
