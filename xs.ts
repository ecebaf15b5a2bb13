/**
 * The Crossroads I/O 1.2.0 C face of `@crossroads/xs`: every `xs_*` function of
 * `xs/xs.h` with the same names, argument order and return conventions, and every
 * `XS_*` and errno constant (docs/api.md §1). A program written against the Crossroads man
 * pages ports line by line: `int` functions return -1 and set `xs_errno()`, pointer
 * functions return null, out-parameters are `{ value }` holders or typed-array views.
 *
 * Runs on: API thread.
 *
 * @example The xs_sendmsg(3) example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL), push = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_bind(pull, "inproc://example");
 * xs.xs_connect(push, "inproc://example");
 * const msg = new xs.xs_msg_t();
 * let rc = xs.xs_msg_init_size(msg, 6);
 * xs.xs_msg_data(msg).fill(0x41);
 * rc = xs.xs_sendmsg(push, msg, 0); // 6; msg is now empty
 * const buf = new Uint8Array(16);
 * rc = xs.xs_recv(pull, buf, buf.length, 0); // 6
 * xs.xs_msg_close(msg);
 * xs.xs_close(push);
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 *
 * @module
 */
export * from "./lib/constants.ts";
export * from "./lib/xs/mod.ts";
