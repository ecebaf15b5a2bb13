/**
 * Example: CURVE security with ZAP (docs/security.md). A REP server speaks CURVE with a
 * key pair of its own; an `Authenticator` (the context's ZAP handler) lets in one client
 * key only. The known client's request arrives with its connection's properties: the
 * `User-Id` the Authenticator gave (the client's public key in Z85). A second client, with
 * a key nobody listed, completes the key exchange but is refused by ZAP: its handshake
 * fails with `handshake:error:auth` on both sides, it does not dial again, and its request
 * never reaches the server (a bounded receive times out).
 *
 * The keys are made here with `curveKeyPair()`; a real server keeps its secret key to
 * itself and gives its clients the public one (40 Z85 characters).
 *
 * Runs on: the program's main thread (the ZAP handler runs here too, between the awaits;
 * the library's I/O worker owns the OS sockets).
 *
 * Run: `deno run -A examples/secure_reqrep.ts` or `bun examples/secure_reqrep.ts`.
 */
import {
  Authenticator,
  Context,
  curveKeyPair,
  type SocketEvent,
  type SocketEvents,
  XsError,
} from "../mod.ts";

/** No receive or event wait is longer than this (ms). */
const TIMEOUT = 5_000;
/** How long the server listens for the refused client's request (ms). */
const QUIET = 500;

const dec = new TextDecoder();

/** The next event of `type` (others are skipped); fails after TIMEOUT. */
async function until(events: SocketEvents, type: SocketEvent["type"]): Promise<SocketEvent> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const left = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), left)));
    const r = await Promise.race([events.next(), late]).finally(() => clearTimeout(timer));
    if (r === "late" || r.done) throw new Error(`no "${type}" event within ${TIMEOUT} ms`);
    if (r.value.type === type) return r.value;
  }
}

/** The types of the events that arrive within `ms`. */
async function drain(events: SocketEvents, ms: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const left = Math.max(0, deadline - Date.now());
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), left)));
    const r = await Promise.race([events.next(), late]).finally(() => clearTimeout(timer));
    if (r === "late" || r.done) return seen;
    seen.push(r.value.type);
  }
}

const server = curveKeyPair(); // the server's long-term key pair
const known = curveKeyPair(); // the client the Authenticator lets in
const stranger = curveKeyPair(); // a client it does not know

// A finite linger: should something fail, closing and terminating still end in time.
await using ctx = new Context({ linger: 1_000 });
// The ZAP handler of this context: CURVE clients with these public keys only.
await using auth = new Authenticator(ctx);
auth.allowCurve(known.publicKey);

using rep = ctx.socket("REP", { curveServer: true, curveSecretKey: server.secretKey });
const repEvents = rep.events; // read before bind, to see every connection
await rep.bind("tcp://127.0.0.1:*");
console.log(`CURVE server bound to ${rep.lastEndpoint}`);

// The known client: our key pair and the server's public key.
using req = ctx.socket("REQ", {
  curveServerKey: server.publicKey,
  curvePublicKey: known.publicKey,
  curveSecretKey: known.secretKey,
});
await req.connect(rep.lastEndpoint);
await req.send("hello");
const request = await rep.receive({ timeout: TIMEOUT });
const userId = request.properties?.["User-Id"];
console.log(`server received "${dec.decode(request[0])}" from User-Id ${userId}`);
if (userId !== known.publicKey) throw new Error(`User-Id is ${userId}, not the client's key`);
const shaken = await until(repEvents, "handshake");
if (shaken.type === "handshake") console.log(`server handshake: mechanism ${shaken.mechanism}`);
await rep.send("welcome");
console.log(`client received "${dec.decode((await req.receive({ timeout: TIMEOUT }))[0])}"`);

// The stranger: a valid key pair, but not one the Authenticator allows.
using intruder = ctx.socket("REQ", {
  curveServerKey: server.publicKey,
  curvePublicKey: stranger.publicKey,
  curveSecretKey: stranger.secretKey,
});
const intruderEvents = intruder.events;
await intruder.connect(rep.lastEndpoint);
await intruder.send("let me in");
const refused = await until(repEvents, "handshake:error:auth");
if (refused.type === "handshake:error:auth") console.log(`server refused: ${refused.error}`);
const told = await until(intruderEvents, "handshake:error:auth");
if (told.type === "handshake:error:auth") console.log(`stranger was told: ${told.error}`);
try {
  const m = await rep.receive({ timeout: QUIET });
  throw new Error(`the server received "${dec.decode(m[0])}" from the stranger`);
} catch (e) {
  if (!(e instanceof XsError && e.code === "EAGAIN")) throw e;
  console.log(`nothing from the stranger within ${QUIET} ms`);
}
// Refused on its credentials, the stranger does not dial again: no new connection since.
const since = await drain(intruderEvents, QUIET);
if (since.includes("connect")) throw new Error(`the stranger dialled again: ${since.join(", ")}`);
console.log(`stranger did not dial again (events since: ${since.join(", ") || "none"})`);
console.log("secure_reqrep: done");
