/**
 * Counting the timers a piece of code starts: `countTimers(fn)` wraps `setTimeout` and
 * `setInterval` of the global object while `fn` runs (and awaits), so a test can show that
 * a wait ran no timer but the caller's timeout (readiness, poll, an idle proxy). The
 * library calls the global functions at call time, so the wrappers see its calls.
 *
 * Runs on: the test runner's main thread.
 */

/** What `countTimers` saw: the delay of every `setTimeout`, and how many `setInterval`s. */
export interface TimerCount<T> {
  result: T;
  timeouts: number[];
  intervals: number;
}

/** Runs `fn`, counting the `setTimeout` / `setInterval` calls made meanwhile. */
export async function countTimers<T>(fn: () => Promise<T>): Promise<TimerCount<T>> {
  const g = globalThis as unknown as Record<string, unknown>;
  const st = g.setTimeout as (...a: unknown[]) => unknown;
  const si = g.setInterval as (...a: unknown[]) => unknown;
  const timeouts: number[] = [];
  let intervals = 0;
  g.setTimeout = (...a: unknown[]) => {
    timeouts.push(Number(a[1] ?? 0));
    return st(...a);
  };
  g.setInterval = (...a: unknown[]) => {
    intervals++;
    return si(...a);
  };
  try {
    return { result: await fn(), timeouts, intervals };
  } finally {
    g.setTimeout = st;
    g.setInterval = si;
  }
}
