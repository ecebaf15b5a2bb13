/**
 * ws:// connects served on the API thread with the platform's standard `WebSocket`
 * (`new Context({ webSocket: "thread" })`, the default in a browser;
 * lib/transports/ws_dial.ts): the path a page takes. Checked against endpoints mounted in
 * `Bun.serve` / `Deno.serve` (REQ→REP, SUB←PUB with the subscription crossing the
 * WebSocket, several endpoints in one server), a reconnect after the server's socket went
 * away and came back, a libzmq ROUTER bound at `ws://` (zeromq.js in a Node child, bare
 * `ZWS2.0`), the refusals: bind (a page cannot listen), security options; and `term`, which
 * waits until the context's WebSockets have closed.
 *
 * Runs on: the test runner's main thread (Deno and Bun; Node has neither server: skipped).
 */
import { Context, type Socket, WebSocketEndpoint, XsError } from "../../mod.ts";
import { assert, runtime, serveHttp, test, type TestHttpServer, waitFor } from "../_harness.ts";
import { peerUnavailable, startPeer, toB64 } from "../interop/_peer.ts";

const skip = runtime === "node" ? "Node has neither Bun.serve nor Deno.serve" : false;
const RECV_MS = 5_000;
const enc = new TextEncoder(), dec = new TextDecoder();
const text = (m: Uint8Array[]) => m.map((p) => dec.decode(p));

/** A server mounting `sockets` at their paths; the first endpoint's Bun handlers serve all. */
function serve(sockets: Record<string, Socket>): { server: TestHttpServer; base: string } {
  const eps = Object.entries(sockets).map(([path, s]) => new WebSocketEndpoint(s, { path }));
  const server = serveHttp((req, how) => {
    const ep = eps.find((e) => e.matches(req));
    if (!ep) return new Response("app");
    return how.bun ? ep.upgrade(req, how.bun) : ep.upgradeWith(req, how.denoUpgrade);
  }, eps[0]!.websocket)!;
  return { server, base: `ws://127.0.0.1:${server.port}` };
}

/** Publishes `probe` until `sub` receives something (its subscription crossed), bounded. */
async function untilSubscribed(pub: Socket, sub: Socket, probe: string) {
  const end = Date.now() + RECV_MS;
  for (;;) {
    await pub.send(probe);
    if (await sub.receive({ timeout: 50 }).catch(() => null)) return;
    assert.ok(Date.now() < end, "the subscription never reached the publisher");
  }
}

test(
  "thread: REQ and SUB of a page-like context talk to endpoints mounted in one server",
  async () => {
    await using server = new Context();
    using rep = server.socket("REP");
    using pub = server.socket("PUB");
    const { server: http, base } = serve({ "/rep": rep, "/pub": pub });
    try {
      await using page = new Context({ webSocket: "thread" });
      using req = page.socket("REQ");
      using sub = page.socket("SUB");
      sub.subscribe("news");
      await req.connect(`${base}/rep`);
      await sub.connect(`${base}/pub`);
      for (let i = 0; i < 10; i++) {
        await req.send(["q", String(i)]);
        assert.deepEqual(text(await rep.receive({ timeout: RECV_MS })), ["q", String(i)]);
        await rep.send(["a", String(i)]);
        assert.deepEqual(text(await req.receive({ timeout: RECV_MS })), ["a", String(i)]);
      }
      await untilSubscribed(pub, sub, "news probe");
      for (const t of ["sport 1", "news 1", "weather", "news 2"]) await pub.send(t);
      const got: string[] = [];
      while (got.length < 2) {
        const m = text(await sub.receive({ timeout: RECV_MS }))[0]!;
        if (m !== "news probe") got.push(m);
      }
      assert.deepEqual(got, ["news 1", "news 2"]);
    } finally {
      await http.stop();
    }
  },
  { skip },
);

test(
  "thread: a connect dials again after the server's socket went away and came back",
  async () => {
    await using server = new Context();
    const pull1 = server.socket("PULL");
    const ep1 = new WebSocketEndpoint(pull1, { path: "/zmq" });
    let current = ep1;
    const http = serveHttp((req, how) => {
      if (!current.matches(req)) return new Response("app");
      return how.bun ? current.upgrade(req, how.bun) : current.upgradeWith(req, how.denoUpgrade);
    }, ep1.websocket)!;
    try {
      await using page = new Context({ webSocket: "thread" });
      using push = page.socket("PUSH", { reconnectIvl: 50 });
      await push.connect(`ws://127.0.0.1:${http.port}/zmq`);
      await push.send("one");
      assert.deepEqual(text(await pull1.receive({ timeout: RECV_MS })), ["one"]);
      pull1.close(); // closes its WebSockets: the page's PUSH redials
      using pull2 = server.socket("PULL");
      const ep2 = current = new WebSocketEndpoint(pull2, { path: "/zmq" });
      // A message sent before the close reached the page would go down with the old
      // WebSocket (as on tcp): wait until the redial joined pull2.
      await waitFor(() => ep2.peers === 1, RECV_MS, "the page's PUSH dialled again");
      await push.send("two", { timeout: RECV_MS });
      assert.deepEqual(text(await pull2.receive({ timeout: RECV_MS })), ["two"]);
    } finally {
      await http.stop();
    }
  },
  { skip },
);

test("thread: binds and secured sockets are refused with a reason", async () => {
  await using page = new Context({ webSocket: "thread" });
  using s = page.socket("PULL");
  await assert.rejects(s.bind("ws://127.0.0.1:0/zmq"), (e: Error) => {
    assert.ok(e instanceof XsError);
    assert.equal(e.code, "EPROTONOSUPPORT");
    assert.match(e.message, /a page cannot listen/);
    return true;
  });
  using c = page.socket("PUSH", { plainUsername: "u" });
  await assert.rejects(c.connect("ws://127.0.0.1:1/zmq"), /no security mechanism/);
  assert.throws(() => new Context({ webSocket: "tls" as "thread" }), TypeError);
});

const libzmq = (await peerUnavailable()) ?? false;

test(
  "thread: a page-like DEALER talks to a libzmq ROUTER bound at ws:// (bare ZWS2.0)",
  async () => {
    const peer = startPeer();
    try {
      await peer.cmd({ op: "socket", id: "router", type: "ROUTER" });
      const { endpoint } = await peer.cmd({
        op: "bind",
        id: "router",
        endpoint: "ws://127.0.0.1:*/zmq",
      });
      await using page = new Context({ webSocket: "thread" });
      using dealer = page.socket("DEALER", { identity: "page-1" });
      await dealer.connect(endpoint);
      await dealer.send(["hello", "router"]);
      const r = await peer.cmd({ op: "recv", id: "router", timeout: RECV_MS });
      const parts = (r.parts as string[]).map((p) =>
        dec.decode(Uint8Array.from(atob(p), (c) => c.charCodeAt(0)))
      );
      // Under bare ZWS2.0 the routing id is our first message: the ROUTER sees "page-1".
      assert.deepEqual(parts, ["page-1", "hello", "router"]);
      await peer.cmd({
        op: "send",
        id: "router",
        parts: ["page-1", "back"].map((t) => toB64(enc.encode(t))),
      });
      assert.deepEqual(text(await dealer.receive({ timeout: RECV_MS })), ["back"]);
    } finally {
      await peer.close();
    }
  },
  { skip: skip || libzmq },
);

test(
  "thread: a page-like context reaches our own ws:// bind (bare ZWS2.0, routing ids first)",
  async () => {
    await using server = new Context();
    using router = server.socket("ROUTER");
    await router.bind("ws://127.0.0.1:*/zmq");
    await using page = new Context({ webSocket: "thread" });
    using dealer = page.socket("DEALER", { identity: "page-2" });
    await dealer.connect(router.lastEndpoint);
    await dealer.send(["hi"]);
    const m = await router.receive({ timeout: RECV_MS });
    assert.deepEqual(text(m), ["page-2", "hi"], "the routing id is the page's identity");
    await router.send(["page-2", "back"]);
    assert.deepEqual(text(await dealer.receive({ timeout: RECV_MS })), ["back"]);
  },
  { skip },
);

test("thread: a WebSocket that closes in the middle of a message delivers none of it", async () => {
  await using server = new Context();
  using pull = server.socket("PULL");
  await pull.bind("ws://127.0.0.1:*/zmq");
  // A raw peer: routing id, then the first part of a two-part message, then it goes.
  const ws = new WebSocket(pull.lastEndpoint, ["ZWS2.0"]);
  ws.binaryType = "arraybuffer";
  const closed = new Promise<void>((res) => ws.addEventListener("close", () => res()));
  await new Promise<void>((res, rej) => {
    ws.addEventListener("open", () => res());
    ws.addEventListener("error", () => rej(new Error("the raw WebSocket did not open")));
  });
  assert.equal(ws.protocol, "ZWS2.0");
  ws.send(new Uint8Array([0]));
  ws.send(new Uint8Array([1, ...enc.encode("half")]));
  ws.close();
  await closed;
  // A good peer's whole message is the first and only one delivered.
  await using page = new Context({ webSocket: "thread" });
  using push = page.socket("PUSH");
  await push.connect(pull.lastEndpoint);
  await push.send(["whole", "message"]);
  assert.deepEqual(text(await pull.receive({ timeout: RECV_MS })), ["whole", "message"]);
  await assert.rejects(pull.receive({ timeout: 200 }), { code: "EAGAIN" });
}, { skip });

test("thread: term resolves only after the context's WebSockets have closed", async () => {
  await using server = new Context();
  using pull = server.socket("PULL");
  await pull.bind("ws://127.0.0.1:*/zmq");
  // Every WebSocket the dialer makes, through a subclass of the platform's own.
  const Std = globalThis.WebSocket;
  const made: WebSocket[] = [];
  globalThis.WebSocket = class extends Std {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
  } as typeof WebSocket;
  try {
    const page = new Context({ webSocket: "thread" });
    const push = page.socket("PUSH");
    await push.connect(pull.lastEndpoint);
    await push.send("before term");
    assert.deepEqual(text(await pull.receive({ timeout: RECV_MS })), ["before term"]);
    assert.equal(made.length, 1);
    assert.equal(made[0]!.readyState, WebSocket.OPEN);
    push.close();
    await page.term();
    assert.equal(
      made[0]!.readyState,
      WebSocket.CLOSED,
      "the WebSocket closed before term resolved",
    );
  } finally {
    globalThis.WebSocket = Std;
  }
}, { skip });
