/**
 * Reading a socket's connection events in tests, bounded: `untilEvent` waits for the first
 * event of a type and says which events came instead if none does in time.
 *
 * Runs on: the test runner's main thread (or a peer process's).
 */
import type { SocketEvent, SocketEvents } from "../mod.ts";

/** Reads events until one of `type` (returned); fails after `ms` or at the end. */
export async function untilEvent(
  events: SocketEvents,
  type: SocketEvent["type"],
  ms = 5_000,
): Promise<SocketEvent> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no "${type}" event within ${ms} ms; saw ${seen.join(", ")}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const r = await Promise.race([
      events.next(),
      new Promise<null>((res) => timer = setTimeout(() => res(null), left)),
    ]);
    clearTimeout(timer);
    if (r === null) continue;
    if (r.done) throw new Error(`events ended before "${type}"; saw ${seen.join(", ")}`);
    seen.push(r.value.type);
    if (r.value.type === type) return r.value;
  }
}
