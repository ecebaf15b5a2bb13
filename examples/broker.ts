/**
 * Example: a request/reply broker. REQ clients connect to the broker's ROUTER front end,
 * REP workers to its DEALER back end, and the library's `proxy` moves whole messages
 * between the two in both directions (the "shared queue" of the libzmq guide, upstream
 * Crossroads' reqrep_device test):
 *
 *     REQ client ─┐                                        ┌─ REP worker
 *     REQ client ─┼─tcp─▶ ROUTER ◀─ proxy ─▶ DEALER ◀─tcp─┼─ REP worker
 *     REQ client ─┘                                        └─ REP worker
 *
 * The ROUTER prefixes each request with the identity of the client it came from; the
 * DEALER load-balances requests over the workers; each REP hands its reply back with that
 * envelope, so the ROUTER can route it to the right client. Neither the clients nor the
 * workers know about each other, or how many there are.
 *
 * Runs on: the program's main thread (the library's I/O worker owns the OS sockets).
 *
 * Run: `deno run -A examples/broker.ts` or `bun examples/broker.ts`.
 */
import { Context, proxy } from "../mod.ts";

const CLIENTS = 3;
const WORKERS = 2;
const REQUESTS = 4; // per client
/** No receive waits longer than this (ms); past it the receive rejects with EAGAIN. */
const TIMEOUT = 5_000;

const dec = new TextDecoder();
const text = (part: Uint8Array | undefined): string => (part ? dec.decode(part) : "");

// A finite linger: should something fail, closing and terminating still end in time.
await using ctx = new Context({ linger: 1_000 });

// The broker: two bound sockets and a proxy between them.
using frontend = ctx.socket("ROUTER");
using backend = ctx.socket("DEALER");
await frontend.bind("tcp://127.0.0.1:0"); // port 0: the OS picks a free port
await backend.bind("tcp://127.0.0.1:0");
console.log(`broker: clients connect to ${frontend.lastEndpoint}`);
console.log(`broker: workers connect to ${backend.lastEndpoint}`);
const stopBroker = new AbortController();
const broker = proxy(frontend, backend, { signal: stopBroker.signal });

/** Aborted once every client is served: the workers' pending receives then end. */
const stopWorkers = new AbortController();

/** A worker: answers each request with its upper-cased text and its own name. */
async function worker(id: number): Promise<number> {
  using rep = ctx.socket("REP");
  await rep.connect(backend.lastEndpoint);
  let served = 0;
  for (;;) {
    let request: string;
    try {
      [request = ""] = (await rep.receive({ timeout: TIMEOUT, signal: stopWorkers.signal }))
        .map(text);
    } catch (e) {
      if (stopWorkers.signal.aborted) return served;
      throw e;
    }
    await rep.send(`${request.toUpperCase()} (worker ${id})`, { timeout: TIMEOUT });
    served++;
  }
}

/** A client: sends its requests one at a time (REQ: send, receive, send, ...). */
async function client(id: number): Promise<string[]> {
  using req = ctx.socket("REQ");
  await req.connect(frontend.lastEndpoint);
  const replies: string[] = [];
  for (let n = 1; n <= REQUESTS; n++) {
    const request = `request ${n} of client ${id}`;
    await req.send(request, { timeout: TIMEOUT });
    const [reply = ""] = (await req.receive({ timeout: TIMEOUT })).map(text);
    // The reply must be the answer to this very request, wherever it was handled.
    if (!reply.startsWith(request.toUpperCase())) throw new Error(`${request} got ${reply}`);
    replies.push(reply);
  }
  return replies;
}

const workers = Array.from({ length: WORKERS }, (_, i) => worker(i + 1));
try {
  const answered = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i + 1)));
  for (const [i, replies] of answered.entries()) {
    console.log(`client ${i + 1} got ${replies.length} replies, last: "${replies.at(-1)}"`);
  }
} finally {
  stopWorkers.abort();
  stopBroker.abort(); // the proxy's promise resolves once it has stopped
}
const served = await Promise.all(workers);
await broker;
console.log(`workers served ${served.join(" + ")} = ${CLIENTS * REQUESTS} requests`);
if (served.reduce((a, b) => a + b, 0) !== CLIENTS * REQUESTS) throw new Error("lost requests");
console.log("broker: done");
