/** One value read at most once per `ttlMs` and shared by every caller meanwhile; a failed read is not kept. */
export class TtlMemo<T> {
  private entry: { at: number; value: Promise<T> } | undefined;

  constructor(private readonly ttlMs: number) {}

  get(read: () => Promise<T>): Promise<T> {
    if (this.entry && Date.now() - this.entry.at < this.ttlMs) return this.entry.value;
    const value = read();
    const entry = { at: Date.now(), value };
    this.entry = entry;
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }
}
