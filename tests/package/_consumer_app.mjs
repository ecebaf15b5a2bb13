// A user's program, in plain JavaScript, importing the installed npm package by name: one
// two-part message over tcp, then a JSON line with what arrived. Copied into scratch projects
// by package_test.ts and run there by Node, Bun and Deno, bundled and unbundled.
// Runs on: the program's main thread (any runtime).
import { Context, VERSION } from "@crossroads/xs";
import { xs_close, xs_errno, xs_init, XS_PUSH, xs_socket, xs_term } from "@crossroads/xs/xs";

const watchdog = setTimeout(() => {
  console.log(JSON.stringify({ error: "timed out" }));
  process.exit(3);
}, 15_000);
const ctx = new Context();
const pull = ctx.socket("PULL");
const push = ctx.socket("PUSH");
await pull.bind("tcp://127.0.0.1:*");
await push.connect(pull.lastEndpoint);
await push.send(["hello", "from a package"]);
const parts = await pull.receive({ timeout: 10_000 });
push.close();
pull.close();
await ctx.term();
// The C face loads too.
const c = xs_init();
const s = xs_socket(c, XS_PUSH);
const closed = xs_close(s);
const termed = xs_term(c);
clearTimeout(watchdog);
console.log(JSON.stringify({
  version: VERSION,
  parts: parts.map((p) => new TextDecoder().decode(p)),
  arrayBuffer: parts[0].buffer instanceof ArrayBuffer,
  cface: [closed, termed, xs_errno()],
}));
