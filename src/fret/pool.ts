/**
 * Runs `worker` over `items` with at most `concurrency` in flight, in input order of starting. The first
 * failure stops new work from starting and is rethrown once the running items settle, so a persistent LLM
 * error ends the job cleanly (finished items are already recorded) instead of leaving orphan promises.
 */
export async function runPool<T>(
  items: Iterable<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const it = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (failure || signal?.aborted) return;
      const next = it.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (failure) throw failure.error;
  signal?.throwIfAborted();
}
