/**
 * Per key, the results of the last messages computed under it: for the pure, keyed functions of the request
 * path (an HMAC) whose messages repeat (the marketplace's retries and dial tests send the same body again).
 * Bounded both ways; a remembered result is the one a new computation would give.
 * @module
 */
import { setBounded } from '../core/boundedMap';

/** Remembers `compute(key, message)` for the last `maxPerKey` messages of each of the last `maxKeys` keys. */
export class PerKeyMemo {
  private readonly byKey = new Map<string, Map<string, string>>();

  constructor(
    private readonly compute: (key: string, message: string) => string,
    private readonly maxPerKey: number,
    private readonly maxKeys = 16,
  ) {}

  /** `compute(key, message)`, remembered. */
  get(key: string, message: string): string {
    let results = this.byKey.get(key);
    if (results === undefined) {
      results = new Map();
      setBounded(this.byKey, key, results, this.maxKeys);
    }
    let result = results.get(message);
    if (result === undefined) {
      result = this.compute(key, message);
      setBounded(results, message, result, this.maxPerKey);
    }
    return result;
  }
}
