import { defineErrorType } from '../../graphql/payload.js';
import { productionErrorCodes } from './production.errors.js';

export const ProductionError = defineErrorType('ProductionError', productionErrorCodes, 'Why a production mutation was refused; nothing was changed.');
