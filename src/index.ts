/**
 * gecko's public library API. Every public value and type is named here.
 */
export { GeckoError, isGeckoError } from './errors/GeckoError.js';
export { formatLocation, type InputLocation, InputError, isInputError } from './errors/InputError.js';
export { isUsageError, UsageError } from './errors/UsageError.js';
export type { EmbedInput, EmbedKind, EmbedOptions, Embedder } from './model/Embedder.js';
export { DEFAULT_QUERY_TASK, formatDocument, formatInput, formatQuery } from './model/unifiedFormat.js';
export type { Progress, ProgressOptions, Reporter } from './util/Reporter.js';
export { silentReporter } from './util/Reporter.js';
export { VERSION } from './version.js';
export {
  DEFAULT_WORKSPACE_DIR,
  type Migration,
  type OpenWorkspaceOptions,
  openWorkspace,
  Workspace,
} from './workspace/Workspace.js';
