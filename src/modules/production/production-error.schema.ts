import { defineErrorType } from '../../graphql/payload.js';
import { productionErrorMeanings } from './production.errors.js';

export const ProductionError = defineErrorType('ProductionError', productionErrorMeanings, 'Why a production mutation was refused; nothing was changed.');
