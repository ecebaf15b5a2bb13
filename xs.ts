/**
 * The Crossroads I/O 1.2.0 C face of `@crossroads/xs`: every `xs_*` function of
 * `xs/xs.h` with the same names, argument order and return conventions, and every
 * `XS_*` and errno constant (api.md §1). A program written against the Crossroads man
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
export {
  xs_bind,
  xs_close,
  xs_connect,
  xs_errno,
  xs_getsockopt,
  xs_init,
  xs_last_endpoint,
  xs_recv,
  xs_recvmsg,
  xs_send,
  xs_sendmsg,
  xs_setctxopt,
  xs_setsockopt,
  xs_shutdown,
  xs_socket,
  xs_strerror,
  xs_term,
  xs_version,
  XsContext,
  XsSocket,
} from "./lib/c_api.ts";
export {
  type xs_free_fn,
  xs_getmsgopt,
  xs_msg_close,
  xs_msg_copy,
  xs_msg_data,
  xs_msg_init,
  xs_msg_init_data,
  xs_msg_init_size,
  xs_msg_move,
  xs_msg_size,
  xs_msg_t,
} from "./lib/c_msg.ts";
export {
  xs_poll,
  type xs_pollitem_t,
  xs_stopwatch_start,
  xs_stopwatch_stop,
  type XsStopwatch,
} from "./lib/c_poll.ts";
