export { GeckoError, isGeckoError } from './GeckoError.js';
export { formatLocation, type InputLocation, InputError, isInputError } from './InputError.js';
export { isUsageError, UsageError } from './UsageError.js';
