/**
 * Runs async tasks one at a time in call order. A llama.cpp sequence holds state (the evaluated prompt),
 * so calls on it must not interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every previously queued task settles. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
