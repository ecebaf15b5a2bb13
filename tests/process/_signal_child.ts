/**
 * The child of tests/process/signals_test.ts: installs a SIGUSR2 handler, prints its pid,
 * blocks in a C-face `xs_recv` with `XS_RCVTIMEO` 2000 on a PULL nobody sends to, and
 * prints what the call returned (the result, errno, how long it took) and how many times
 * the handler had run by then and 100 ms later. Started as `deno run -A --no-check
 * tests/process/_signal_child.ts`, `bun tests/process/_signal_child.ts` or Node on the
 * compiled `.js`.
 *
 * Runs on: the child process's main thread (Deno, Bun or Node).
 */
import process from "node:process";
import * as xs from "../../xs.ts";

let handled = 0;
process.on("SIGUSR2", () => handled++);
const ctx = xs.xs_init();
const s = xs.xs_socket(ctx, xs.XS_PULL)!;
xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 2000);
xs.xs_bind(s, "inproc://signals");
console.log(JSON.stringify({ pid: process.pid }));
const t0 = performance.now();
const rc = xs.xs_recv(s, new Uint8Array(1), 1, 0);
const errno = xs.xs_errno(), ms = performance.now() - t0, during = handled;
xs.xs_close(s);
xs.xs_term(ctx);
setTimeout(() => {
  console.log(JSON.stringify({ rc, errno, ms, during, handled }));
  process.exit(0);
}, 100);
