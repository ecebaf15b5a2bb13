// examples/ws_app: the page's code, a plain ES module. It imports the library's browser
// face by its package name, `@crossroads/xs/browser`, which index.html's import map points
// at the bundle the server serves, /xs.js (bench/_build_browser.ts); an app built with a
// bundler gets the same file from the npm package's `browser` condition, and `deno check`
// resolves the name to lib/api/browser.ts. In a page a Context has no I/O worker and
// serves its ws:// connects on this thread with the standard WebSocket.
//
// - a SUB connected to ws://<host>/updates shows every "result" the server publishes;
// - a REQ connected to ws://<host>/rpc asks "how many primes below n?" on load and on
//   each click, and shows the reply (which worker process answered, too);
// - #status is kept as JSON: {"updates":N,"replies":M,"errors":[...]}.
//
// Runs on: the page's main thread.
import { Context } from "@crossroads/xs/browser";

const $ = (id) => document.getElementById(id);
const dec = new TextDecoder();
/** What #status shows. */
const status = { updates: 0, replies: 0, errors: [] };
const show = () => void ($("status").textContent = JSON.stringify(status));
const failed = (e) => {
  status.errors.push(String(e?.message ?? e));
  show();
};
/** How long a request may wait for its reply before the REQ is replaced (ms). */
const TIMEOUT = 5_000;

const base = `ws://${location.host}`;
const ctx = new Context();

// ---------------------------------------------------------------- live updates

const sub = ctx.socket("SUB");
sub.subscribe("result");
await sub.connect(`${base}/updates`);
(async () => {
  // Each message is [topic, result as JSON]. The loop ends when the socket closes.
  for await (const [, body] of sub) {
    const r = JSON.parse(dec.decode(body));
    const li = document.createElement("li");
    li.textContent = `job ${r.seq}: ${r.primes} primes below ${r.n} ` +
      `(worker ${r.worker}, ${r.ms} ms)`;
    $("updates").prepend(li);
    while ($("updates").children.length > 12) $("updates").lastElementChild.remove();
    status.updates++;
    show();
  }
})().catch(failed);

// ---------------------------------------------------------------- requests

/** The REQ; replaced when a reply does not come (a REQ waits for its reply for ever). */
let req = null;

async function ask(n) {
  $("ask").disabled = true;
  try {
    if (!req) {
      req = ctx.socket("REQ");
      await req.connect(`${base}/rpc`);
    }
    // A connect on the page's thread has no queue before its WebSocket is open: the
    // send waits (up to TIMEOUT) for it.
    await req.sendJson({ n }, { timeout: TIMEOUT });
    const reply = await req.receiveJson({ timeout: TIMEOUT });
    $("reply").textContent = `${reply.primes} primes below ${reply.n} (worker ${reply.worker})`;
    status.replies++;
    show();
  } catch (e) {
    req?.close();
    req = null;
    failed(e);
  } finally {
    $("ask").disabled = false;
  }
}

$("ask").addEventListener("click", () => ask(100_000 + Math.floor(Math.random() * 100_000)));
await ask(100_000);
