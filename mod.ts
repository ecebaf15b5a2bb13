/**
 * `@crossroads/xs`: Crossroads I/O 1.2.0 (a ZeroMQ fork) in TypeScript for Deno and
 * Bun. This is the idiomatic, promise-based face; the C face (`xs_*` functions, for
 * programs ported from the man pages) is `@crossroads/xs/xs`.
 *
 * Runs on: API thread.
 *
 * @example Pipeline in ten lines
 * ```ts
 * import { Context } from "@crossroads/xs";
 *
 * await using ctx = new Context();
 * using pull = ctx.socket("PULL", { rcvhwm: 1000 });
 * using push = ctx.socket("PUSH");
 * await pull.bind("inproc://work");
 * await push.connect(pull.lastEndpoint);
 * await push.send("hello");                       // one part
 * await push.send(["a", new Uint8Array([1, 2])]); // one multi-part message
 * const parts: Uint8Array[] = await pull.receive({ timeout: 1000 });
 * console.log(new TextDecoder().decode(parts[0])); // "hello"
 * ```
 *
 * ## Finding things
 *
 * | I want… | open |
 * | --- | --- |
 * | how socket type X behaves | `lib/protocols/x.ts` (its header says peers, send/recv rules, options, wire header) |
 * | what every socket type must implement | `lib/protocols/protocol.ts` |
 * | transport `scheme://` | `lib/transports/<scheme>.ts` |
 * | bytes on the wire | `lib/wire/` (`frame.ts` first) |
 * | how API thread and worker talk | `lib/pipe/layout.ts`, then `ring.ts` |
 * | what the worker does | `workers/io_worker.ts` → `lib/io/loop.ts` |
 * | Deno vs Bun vs Node differences | `lib/runtime/<runtime>.ts` (nowhere else) |
 * | this face / the C face | `lib/api/` / `lib/xs/` (each listed in its `mod.ts`) |
 * | the test for `lib/a/b.ts` | `tests/a/b_test.ts` |
 * | what the spec requires of PUSH/PULL | `tests/spec/pushpull_test.ts` |
 *
 * @module
 */
export {
  Context,
  type ContextOptions,
  type Part,
  Socket,
  type SocketOptions,
  type SocketType,
  type SocketTypeName,
  type WaitOptions,
  type WireMode,
} from "./lib/api/mod.ts";
export { XsError } from "./lib/errors.ts";
export { proxy, type ProxyOptions } from "./lib/api/proxy.ts";
export { poll, type PollItem } from "./lib/api/poll.ts";
export * from "./lib/constants.ts";
