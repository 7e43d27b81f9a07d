/**
 * What a provider's batch service does with an OpenAI Batch API input file: posts each request line to the
 * endpoint and writes one output line per request (`{id, custom_id, response: {status_code, request_id,
 * body}, error}`). Here the endpoint is the loopback server, so a test can compare a batch-fed job with a
 * live one against the same deterministic model.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** A line of a Batch API input file. */
export interface BatchLine {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/** Reads a request file. */
export function readBatchLines(file: string): BatchLine[] {
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l) as BatchLine);
}

/**
 * Runs every request of `requestsFile` against `baseUrl` (`http://host:port/v1`) and writes the output
 * file. `fail(line, i)` may turn a request into a provider-side failure: `'status'` (an HTTP 500 answer) or
 * `'error'` (no response, an error object), as the Batch API reports them.
 */
export async function runBatch(
  baseUrl: string,
  requestsFile: string,
  resultsFile: string,
  fail: (line: BatchLine, i: number) => 'status' | 'error' | undefined = () => undefined,
): Promise<BatchLine[]> {
  const lines = readBatchLines(requestsFile);
  const origin = baseUrl.replace(/\/v1\/?$/, '');
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    const id = `batch_req_${i}`;
    const how = fail(line, i);
    if (how === 'error') {
      out.push(
        JSON.stringify({
          id,
          custom_id: line.custom_id,
          response: null,
          error: { code: 'server_error', message: 'scripted' },
        }),
      );
      continue;
    }
    if (how === 'status') {
      out.push(
        JSON.stringify({
          id,
          custom_id: line.custom_id,
          response: { status_code: 500, request_id: id, body: { error: { message: 'scripted 500' } } },
          error: null,
        }),
      );
      continue;
    }
    const res = await fetch(origin + line.url, {
      method: line.method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(line.body),
    });
    const body = (await res.json()) as unknown;
    out.push(
      JSON.stringify({
        id,
        custom_id: line.custom_id,
        response: { status_code: res.status, request_id: id, body },
        error: null,
      }),
    );
  }
  // Batch services return results in any order: reverse them, so nothing relies on the input order.
  writeFileSync(resultsFile, `${out.reverse().join('\n')}\n`);
  return lines;
}
