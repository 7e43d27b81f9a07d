/**
 * Validation of JSON outputs against the caller's schema (ajv: the standard, fast JSON-schema validator),
 * and lenient extraction of a JSON value from free text for servers without schema-constrained output.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { failedCallUsage, LlmError } from './errors/LlmError.js';
import { addRetry, type RetryCounts } from './retries.js';
import type { JsonSchema, TokenUsage } from './types.js';

const ajv = new Ajv({ allErrors: true, strict: false });
// Compiling a schema costs far more than validating; FRet validates thousands of outputs against one schema.
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    try {
      v = ajv.compile(schema);
    } catch (e) {
      throw new LlmError(`Invalid jsonSchema: ${(e as Error).message}`, { code: 'LLM_SPEC', cause: e });
    }
    compiled.set(schema, v);
  }
  return v;
}

/**
 * Parses `text` as JSON (the whole text, else the first `{...}` / `[...]` block in it) and validates it
 * against `schema`.
 * @throws LlmError (`LLM_OUTPUT`) naming `where` and the first schema violations.
 * @example
 * const value = parseJsonOutput('{"task":"t","query":"q"}', schema, 'llama:tiny.gguf');
 */
export function parseJsonOutput(text: string, schema: JsonSchema, where: string): unknown {
  const value = extractJson(text);
  if (value === undefined) {
    throw new LlmError(`${where}: the model output is not JSON: ${excerpt(text)}`, {
      code: 'LLM_OUTPUT',
      reason: 'not-json',
    });
  }
  const validate = validatorFor(schema);
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ');
    throw new LlmError(
      `${where}: the model output does not match the JSON schema (${problems}): ${excerpt(text)}`,
      { code: 'LLM_OUTPUT', reason: 'schema' },
    );
  }
  return value;
}

/** Checks that `schema` compiles, so a bad schema fails before any model call. */
export function checkJsonSchema(schema: JsonSchema): void {
  validatorFor(schema);
}

function extractJson(text: string): unknown {
  const trimmed = text.trim().replace(/^```(?:json)?\s*|\s*```$/g, '');
  try {
    return JSON.parse(trimmed);
  } catch {
    // Models without constrained output often wrap the JSON in prose; take the outermost braces.
    const start = trimmed.search(/[[{]/);
    const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
    if (start < 0 || end <= start) return undefined;
    try {
      return JSON.parse(trimmed.slice(start, end + 1));
    } catch {
      return undefined;
    }
  }
}

function excerpt(text: string): string {
  const t = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(t);
}

/** How many generations a JSON call may take before its output error is final. */
export const JSON_ATTEMPTS = 3;

/**
 * Runs `attempt(i)` until it returns, retrying only on unusable JSON output (`LLM_OUTPUT`) up to
 * {@link JSON_ATTEMPTS} times. Callers vary the seed by `i`, so retries stay reproducible. The tokens of
 * rejected attempts (`LlmError.usage`) are added to the result's usage, or to the final error's, so that
 * callers account for every token the call cost. Each retry is counted in `retries` by the rejected
 * answer's {@link LlmError.reason}; `attempt` may add its own (HTTP) retries there too. The counts end up
 * in the result's `retries`, or the final error's.
 */
export async function retryOnBadJson<T extends { usage: TokenUsage; retries?: RetryCounts }>(
  attempt: (i: number) => Promise<T>,
  retryable = true,
  retries: RetryCounts = {},
): Promise<T> {
  let last: LlmError | undefined;
  const spent: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const tries = retryable ? JSON_ATTEMPTS : 1;
  for (let i = 0; i < tries; i++) {
    if (last) addRetry(retries, last.reason ?? 'bad-output');
    try {
      const out = await attempt(i);
      out.usage = {
        promptTokens: out.usage.promptTokens + spent.promptTokens,
        completionTokens: out.usage.completionTokens + spent.completionTokens,
      };
      if (Object.keys(retries).length > 0) out.retries = retries;
      return out;
    } catch (e) {
      if (!(e instanceof LlmError) || e.code !== 'LLM_OUTPUT') throw e;
      const u = failedCallUsage(e);
      spent.promptTokens += u.promptTokens;
      spent.completionTokens += u.completionTokens;
      last = e;
    }
  }
  const error = last as LlmError;
  error.usage = spent;
  if (Object.keys(retries).length > 0) error.retries = retries;
  throw error;
}

/**
 * Parses a generation's text against `schema` into its `value`.
 * @throws LlmError (`LLM_OUTPUT`) carrying the generation's token usage.
 */
export function parseGeneration<T extends { text: string; usage: TokenUsage; value?: unknown }>(
  g: T,
  schema: JsonSchema,
  where: string,
): T {
  try {
    g.value = parseJsonOutput(g.text, schema, where);
  } catch (e) {
    if (e instanceof LlmError) e.usage = g.usage;
    throw e;
  }
  return g;
}
