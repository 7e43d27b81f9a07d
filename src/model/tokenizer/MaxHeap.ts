/** A binary max-heap of (priority, key) pairs; stale entries are skipped by the caller (lazy deletion). */
export class MaxHeap {
  private pri: number[] = [];
  private key: number[] = [];

  get size(): number {
    return this.pri.length;
  }

  push(priority: number, key: number): void {
    this.pri.push(priority);
    this.key.push(key);
    let i = this.pri.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes and returns the top entry, or null when empty. */
  pop(): [number, number] | null {
    if (this.pri.length === 0) return null;
    const top: [number, number] = [this.pri[0]!, this.key[0]!];
    const lastP = this.pri.pop()!;
    const lastK = this.key.pop()!;
    if (this.pri.length > 0) {
      this.pri[0] = lastP;
      this.key[0] = lastK;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.pri.length && this.before(l, m)) m = l;
        if (r < this.pri.length && this.before(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  /** Higher priority first; ties broken by the smaller key so training is deterministic. */
  private before(a: number, b: number): boolean {
    const pa = this.pri[a]!;
    const pb = this.pri[b]!;
    return pa > pb || (pa === pb && this.key[a]! < this.key[b]!);
  }

  private swap(a: number, b: number): void {
    const p = this.pri[a]!;
    this.pri[a] = this.pri[b]!;
    this.pri[b] = p;
    const k = this.key[a]!;
    this.key[a] = this.key[b]!;
    this.key[b] = k;
  }
}
