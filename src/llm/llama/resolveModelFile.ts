/**
 * Turns a model reference (a local path, or `hf:org/repo/file.gguf`) into a local GGUF path, downloading
 * Hugging Face references once into a cache folder with progress reported through the Reporter.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Reporter } from '../../util/Reporter.js';
import { silentReporter } from '../../util/Reporter.js';
import { LlmError } from '../errors/LlmError.js';
import { loadNodeLlamaCpp } from './loadNodeLlamaCpp.js';

/** Options of {@link resolveModelFile}. */
export interface ResolveModelFileOptions {
  /** Folder for downloaded models. @default $GECKO_MODELS_DIR or ~/.cache/gecko/models */
  cacheDir?: string;
  /** Hugging Face endpoint (mirrors, tests). @default $HF_ENDPOINT or https://huggingface.co/ */
  hfEndpoint?: string;
  /** Progress of the download. @default silentReporter */
  reporter?: Reporter;
  signal?: AbortSignal;
}

const DEFAULT_HF_ENDPOINT = 'https://huggingface.co/';
/** How long the reachability check waits before declaring the endpoint unreachable. */
const REACH_TIMEOUT_MS = 10_000;

/**
 * One quick request before downloading: the downloader retries network failures with long backoffs, so
 * without this an offline machine waits minutes for an error. Any HTTP answer (even 404) counts as online.
 */
async function checkReachable(endpoint: string, ref: string, dirPath: string): Promise<void> {
  try {
    const res = await fetch(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(REACH_TIMEOUT_MS) });
    await res.body?.cancel();
  } catch (e) {
    throw new LlmError(
      `Cannot download ${ref} into ${dirPath}: ${endpoint} is unreachable (${(e as Error).message}). This machine ` +
        'looks offline: download the .gguf file elsewhere and pass it as a local path, e.g. --llm llama:./models/model.gguf',
      { code: 'LLM_DOWNLOAD', cause: e },
    );
  }
}

/** The default download folder. */
export function defaultModelCacheDir(): string {
  return process.env.GECKO_MODELS_DIR ?? join(homedir(), '.cache', 'gecko', 'models');
}

/**
 * Returns a local path for `ref`.
 * @throws LlmError `LLM_MODEL` when a local file is missing, `LLM_DOWNLOAD` when a download fails (offline:
 * the message says how to pass a local file instead).
 * @example
 * const path = await resolveModelFile('hf:org/repo/model.Q4_K_M.gguf', { reporter });
 */
export async function resolveModelFile(ref: string, options: ResolveModelFileOptions = {}): Promise<string> {
  if (!ref.startsWith('hf:')) {
    const path = resolve(ref);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new LlmError(`Model file not found: ${path} (from "${ref}"). Pass the path of a .gguf file.`, {
        code: 'LLM_MODEL',
      });
    }
    return path;
  }
  const { createModelDownloader } = await loadNodeLlamaCpp();
  const reporter = options.reporter ?? silentReporter;
  const dirPath = options.cacheDir ?? defaultModelCacheDir();
  const hf = options.hfEndpoint ?? process.env.HF_ENDPOINT;
  await checkReachable(hf ?? DEFAULT_HF_ENDPOINT, ref, dirPath);
  let bar: ReturnType<Reporter['progress']> | undefined;
  try {
    const downloader = await createModelDownloader({
      modelUri: ref,
      dirPath,
      skipExisting: true,
      endpoints: hf ? { huggingFace: hf } : undefined,
      onProgress({ totalSize, downloadedSize }) {
        bar ??= reporter.progress(`downloading ${ref}`, { total: totalSize, unit: 'bytes' });
        bar.update(downloadedSize, totalSize);
      },
    });
    const path = await downloader.download({ signal: options.signal });
    bar?.done(`downloaded ${ref} to ${path}`);
    return path;
  } catch (e) {
    bar?.done();
    throw new LlmError(
      `Cannot download ${ref} into ${dirPath}: ${(e as Error).message}. If this machine is offline, download ` +
        'the .gguf file elsewhere and pass it as a local path, e.g. --llm llama:./models/model.gguf',
      { code: 'LLM_DOWNLOAD', cause: e },
    );
  }
}
