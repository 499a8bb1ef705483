import { TooManyRequestsError } from '../../common/domain-errors';

/** Open event streams per principal in this process, up to a cap; a closed stream frees its slot. */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot of `key` or throws 429; returns the function that gives it back (once). */
  take(key: string): () => void {
    const count = this.open.get(key) ?? 0;
    if (count >= this.max) {
      throw new TooManyRequestsError(
        `At most ${this.max} event streams may be open at once (SSE_MAX_STREAMS_PER_KEY); close one, or poll GET /api/service-imports/{code}.`,
        5,
      );
    }
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  /** Streams `key` holds now. */
  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
