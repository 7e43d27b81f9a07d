export { GeckoError, isGeckoError } from './GeckoError.js';
export { formatLocation, InputError, type InputLocation, isInputError } from './InputError.js';
export { isUsageError, UsageError } from './UsageError.js';
