/**
 * Subscription filters of publish/subscribe (libxs `prefix_filter`, `topic_filter`): the
 * prefix filter with counts per subscriber, the topic filter with `*` elements, and
 * matching a message's first part. The 4-byte subscription message itself is the
 * boundary's vocabulary, in lib/pipe/subscription.ts.
 *
 * A "subscriber" is whatever key the owner uses: a {@linkcode Pipe} on the publisher
 * side (PUB/XPUB keep one entry per pipe), `null` on the SUB side (its local filter).
 *
 * Spec: docs/behaviour.md §4.6 (filters and their quirks).
 *
 * Runs on: API thread.
 */

/** Bytes as a Map key (one char per byte). */
export function bytesKey(b: Uint8Array): string {
  // Short keys (the usual topics) without a spread: this runs for every received message.
  if (b.length <= 32) {
    let k = "";
    for (let i = 0; i < b.length; i++) k += String.fromCharCode(b[i]!);
    return k;
  }
  let s = "";
  for (let i = 0; i < b.length; i += 0x2000) {
    s += String.fromCharCode(...b.subarray(i, i + 0x2000));
  }
  return s;
}

/** The bytes of a `bytesKey`. */
export function keyBytes(k: string): Uint8Array {
  const b = new Uint8Array(k.length);
  for (let i = 0; i < k.length; i++) b[i] = k.charCodeAt(i);
  return b;
}

/** Byte-wise order of keys (std::map order of upstream's blobs). */
function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Prefix filter: per body, a count per subscriber. A message matches a body that is a
 * byte prefix of its first part; the empty body matches everything.
 */
export class PrefixFilter<S> {
  readonly #bodies = new Map<string, Map<S, number>>();
  /** How many bodies have each length (matching looks only at those lengths). */
  readonly #lengths = new Map<number, number>();

  /** Adds one subscription; true if the body had no subscriber before (first anywhere). */
  add(body: Uint8Array, sub: S): boolean {
    const k = bytesKey(body);
    let subs = this.#bodies.get(k);
    const first = subs === undefined;
    if (!subs) {
      subs = new Map();
      this.#bodies.set(k, subs);
      this.#lengths.set(k.length, (this.#lengths.get(k.length) ?? 0) + 1);
    }
    subs.set(sub, (subs.get(sub) ?? 0) + 1);
    return first;
  }

  /**
   * Removes one subscription of `sub`; true if it existed and the body has no subscriber
   * left (the last one went away). Unknown subscriptions are ignored (false).
   */
  remove(body: Uint8Array, sub: S): boolean {
    const k = bytesKey(body);
    const subs = this.#bodies.get(k);
    const n = subs?.get(sub);
    if (!subs || n === undefined) return false;
    if (n > 1) {
      subs.set(sub, n - 1);
      return false;
    }
    subs.delete(sub);
    if (subs.size > 0) return false;
    this.#drop(k);
    return true;
  }

  /** Removes every subscription of `sub`; returns the bodies left with no subscriber, in byte order. */
  removeAll(sub: S): Uint8Array[] {
    const gone: string[] = [];
    for (const [k, subs] of this.#bodies) {
      if (subs.delete(sub) && subs.size === 0) gone.push(k);
    }
    for (const k of gone) this.#drop(k);
    return gone.sort(byKey).map(keyBytes);
  }

  /** Calls `hit` for each subscriber of every body that prefixes `data` (possibly repeated). */
  match(data: Uint8Array, hit: (sub: S) => void): void {
    if (this.#bodies.size === 0) return;
    let max = 0;
    for (const len of this.#lengths.keys()) if (len > max && len <= data.length) max = len;
    const d = bytesKey(data.subarray(0, max));
    for (const len of this.#lengths.keys()) {
      if (len > data.length) continue;
      const subs = this.#bodies.get(len === d.length ? d : d.slice(0, len));
      if (subs) { for (const s of subs.keys()) hit(s); }
    }
  }

  /**
   * True if some body prefixes `data`. A SUB asks it for every message it receives, so it
   * stops at the first hit, and the empty body (subscribed to everything) needs no key.
   */
  matches(data: Uint8Array): boolean {
    if (this.#bodies.size === 0) return false;
    if (this.#lengths.has(0)) return true;
    for (const len of this.#lengths.keys()) {
      if (len <= data.length && this.#bodies.has(bytesKey(data.subarray(0, len)))) return true;
    }
    return false;
  }

  /** Number of distinct bodies. */
  get size(): number {
    return this.#bodies.size;
  }

  /** True if no body but the empty one is held: what matches does not depend on the data. */
  get onlyEmpty(): boolean {
    return this.#lengths.size === 0 || (this.#lengths.size === 1 && this.#lengths.has(0));
  }

  #drop(k: string): void {
    this.#bodies.delete(k);
    const n = this.#lengths.get(k.length)! - 1;
    if (n) this.#lengths.set(k.length, n);
    else this.#lengths.delete(k.length);
  }
}

/**
 * Topic filter (docs/behaviour.md §4.6): per pattern, the list of subscribers, duplicates kept.
 * Nothing is counted as "first" or "last": upstream reports every subscribe, an unsubscribe only
 * when it matched no entry, and nothing on `removeAll`.
 */
export class TopicFilter<S> {
  readonly #patterns = new Map<string, { pattern: Uint8Array; subs: S[] }>();

  /** Adds one entry for `sub`. */
  add(pattern: Uint8Array, sub: S): void {
    const k = bytesKey(pattern);
    const e = this.#patterns.get(k);
    if (e) e.subs.push(sub);
    else this.#patterns.set(k, { pattern: pattern.slice(), subs: [sub] });
  }

  /** Removes one entry of `sub`; false if there was none. */
  remove(pattern: Uint8Array, sub: S): boolean {
    const k = bytesKey(pattern);
    const e = this.#patterns.get(k);
    const i = e ? e.subs.indexOf(sub) : -1;
    if (i < 0) return false;
    e!.subs.splice(i, 1);
    if (e!.subs.length === 0) this.#patterns.delete(k);
    return true;
  }

  /** Removes every entry of `sub`. */
  removeAll(sub: S): void {
    for (const [k, e] of this.#patterns) {
      e.subs = e.subs.filter((s) => s !== sub);
      if (e.subs.length === 0) this.#patterns.delete(k);
    }
  }

  /** Calls `hit` for each subscriber of every pattern matching `data` (possibly repeated). */
  match(data: Uint8Array, hit: (sub: S) => void): void {
    for (const e of this.#patterns.values()) {
      if (topicMatch(e.pattern, data)) { for (const s of e.subs) hit(s); }
    }
  }

  /** True if some pattern matches `data`. */
  matches(data: Uint8Array): boolean {
    for (const e of this.#patterns.values()) if (topicMatch(e.pattern, data)) return true;
    return false;
  }

  /** Number of distinct patterns. */
  get size(): number {
    return this.#patterns.size;
  }
}

const DOT = 0x2e, STAR = 0x2a;

/**
 * Topic matching (upstream `topic_match`): the pattern is read up to its first NUL; its
 * `.`-separated elements are literal (byte-for-byte) or exactly `*` (consumes data up to
 * the next `.`, NUL or end); between elements both sides need a `.`. The pattern matches
 * once it is used up, whatever data remains; `*x` never matches; empty matches all.
 */
export function topicMatch(pattern: Uint8Array, data: Uint8Array): boolean {
  const nul = pattern.indexOf(0);
  const end = nul < 0 ? pattern.length : nul;
  let t = 0, d = 0;
  for (;;) {
    if (t === end) return true;
    if (pattern[t] === STAR) {
      t++;
      while (d < data.length && data[d] !== 0 && data[d] !== DOT) d++;
    } else {
      while (t < end && pattern[t] !== DOT) {
        if (d === data.length || pattern[t] !== data[d]) return false;
        t++;
        d++;
      }
    }
    if (t === end) return true;
    // A malformed element such as "*abc" ends up here without a dot.
    if (pattern[t] !== DOT) return false;
    if (d === data.length || data[d] !== DOT) return false;
    t++;
    d++;
  }
}
