/**
 * ZeroMQ over WebSocket mounted in the runtime's own HTTP server (`WebSocketEndpoint`,
 * lib/api/ws_endpoint.ts): `Bun.serve` on Bun, `Deno.serve` on Deno, one port for the app
 * and ZeroMQ. The peers are our ws:// clients (lib/transports/ws.ts, in the I/O worker) and
 * raw WebSockets (the runtime's `WebSocket`) for what a well-behaved client never sends.
 * Checked: PUSH→PULL (multipart, empty and 100 KiB parts, 1,000 messages in order),
 * REQ→REP, PUB→SUB prefix filtering with the subscription carried over the WebSocket; the
 * app still answers its own requests; a request offering neither `ZWS2.0/NULL` nor `ZWS2.0`
 * gets 400; a raw WebSocket speaking bare `ZWS2.0` (routing ids first: what a browser can
 * offer) is served; a text message or a wrong first message closes that WebSocket only;
 * closing the socket closes its WebSockets.
 *
 * Runs on: the test runner's main thread (Deno and Bun; Node has neither server: skipped).
 */
import { Context, type Socket, WebSocketEndpoint } from "../../mod.ts";
import { assert, runtime, serveHttp, test, type TestHttpServer, waitFor } from "../_harness.ts";

const skip = runtime === "node" ? "Node has neither Bun.serve nor Deno.serve" : false;
const RECV_MS = 5_000;
const dec = new TextDecoder();

/** Mounts `socket` at /zmq of a fresh server whose other paths answer "app". */
function mount(socket: Socket): { zmq: WebSocketEndpoint; server: TestHttpServer; url: string } {
  const zmq = new WebSocketEndpoint(socket, { path: "/zmq" });
  const server = serveHttp((req, how) => {
    if (!zmq.matches(req)) return new Response("app");
    return how.bun ? zmq.upgrade(req, how.bun) : zmq.upgradeWith(req, how.denoUpgrade);
  }, zmq.websocket)!;
  return { zmq, server, url: `ws://127.0.0.1:${server.port}/zmq` };
}

test("mounted: a PUSH over ws:// feeds a mounted PULL, in order, big and empty parts", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  const { zmq, server, url } = mount(pull);
  try {
    using push = ctx.socket("PUSH");
    await push.connect(url);
    const big = new Uint8Array(100 * 1024).fill(7);
    await push.send(["a", new Uint8Array(0), big]);
    const m = await pull.receive({ timeout: RECV_MS });
    assert.deepEqual(m.map((p) => p.length), [1, 0, big.length]);
    assert.equal(zmq.peers, 1);
    for (let i = 0; i < 1000; i++) await push.send(String(i));
    for (let i = 0; i < 1000; i++) {
      assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), String(i));
    }
    // The app is still there on the same port.
    const r = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(await r.text(), "app");
  } finally {
    await server.stop();
  }
}, { skip });

test("mounted: REQ over ws:// gets its replies from a mounted REP", async () => {
  await using ctx = new Context();
  using rep = ctx.socket("REP");
  const { server, url } = mount(rep);
  try {
    using req = ctx.socket("REQ");
    await req.connect(url);
    for (let i = 0; i < 20; i++) {
      await req.send(["q", String(i)]);
      const q = await rep.receive({ timeout: RECV_MS });
      assert.deepEqual(q.map((p) => dec.decode(p)), ["q", String(i)]);
      await rep.send(["a", String(i)]);
      const a = await req.receive({ timeout: RECV_MS });
      assert.deepEqual(a.map((p) => dec.decode(p)), ["a", String(i)]);
    }
  } finally {
    await server.stop();
  }
}, { skip });

test("mounted: a SUB over ws:// gets from a mounted PUB only its prefix", async () => {
  await using ctx = new Context();
  using pub = ctx.socket("PUB");
  const { server, url } = mount(pub);
  try {
    using sub = ctx.socket("SUB");
    sub.subscribe("a");
    await sub.connect(url);
    // The subscription crosses the WebSocket: publish probes until one arrives.
    const end = Date.now() + RECV_MS;
    for (;;) {
      await pub.send("a-sync");
      const got = await sub.receive({ timeout: 50 }).catch(() => null);
      if (got) break;
      assert.ok(Date.now() < end, "the subscription never reached the PUB");
    }
    for (const t of ["b1", "a1", "ba", "a2"]) await pub.send(t);
    const seen: string[] = [];
    while (seen.length < 2) {
      const m = dec.decode((await sub.receive({ timeout: RECV_MS }))[0]!);
      if (m !== "a-sync") seen.push(m);
    }
    assert.deepEqual(seen, ["a1", "a2"]);
  } finally {
    await server.stop();
  }
}, { skip });

test("mounted: no ZWS subprotocol → 400; bad frames close that WebSocket only", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  const { zmq, server, url } = mount(pull);
  try {
    // A plain WebSocket request with another subprotocol is refused.
    const refused = await fetch(url.replace("ws:", "http:"), {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        "sec-websocket-protocol": "chat",
      },
    });
    assert.equal(refused.status, 400);
    await refused.text();
    // A good client keeps working while raw clients misbehave.
    using push = ctx.socket("PUSH");
    await push.connect(url);
    await push.send("first");
    assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), "first");
    for (const bad of ["text", "not-ready"] as const) {
      const ws = new WebSocket(url, ["ZWS2.0"]);
      ws.binaryType = "arraybuffer";
      const closed = new Promise<void>((res) => ws.addEventListener("close", () => res()));
      await new Promise<void>((res, rej) => {
        ws.addEventListener("open", () => res());
        ws.addEventListener("error", () => rej(new Error("raw WebSocket failed to open")));
      });
      if (bad === "text") ws.send("hello");
      else ws.send(new Uint8Array([2, 0x68, 0x69])); // a command where the routing id goes
      await closed;
    }
    await push.send("second");
    assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), "second");
    await waitFor(() => zmq.peers === 1, RECV_MS, "only the good peer left");
  } finally {
    await server.stop();
  }
}, { skip });

test("mounted: closing the socket closes its WebSockets", async () => {
  await using ctx = new Context();
  const pull = ctx.socket("PULL");
  const { zmq, server, url } = mount(pull);
  try {
    // A browser can offer only bare ZWS2.0 ("/" is not allowed in a subprotocol name).
    const ws = new WebSocket(url, ["ZWS2.0"]);
    ws.binaryType = "arraybuffer";
    const closed = new Promise<number>((res) => ws.addEventListener("close", (e) => res(e.code)));
    const first = new Promise<Uint8Array>((res) =>
      ws.addEventListener("message", (e) => res(new Uint8Array(e.data as ArrayBuffer)), {
        once: true,
      })
    );
    await new Promise<void>((res) => ws.addEventListener("open", () => res()));
    assert.equal(ws.protocol, "ZWS2.0");
    // Routing ids first, each way (empty here), then traffic.
    assert.deepEqual([...await first], [0]);
    ws.send(new Uint8Array([0]));
    ws.send(new Uint8Array([0, ...new TextEncoder().encode("from a browser")]));
    assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), "from a browser");
    await waitFor(() => zmq.peers === 1, RECV_MS, "the raw peer joined");
    pull.close();
    assert.equal(await closed, 1000);
    await waitFor(() => zmq.peers === 0, RECV_MS, "no peer left");
  } finally {
    await server.stop();
  }
}, { skip });

test(
  "mounted: maxmsgsize 5 limits message parts, not the READY; a 6-byte part closes that WebSocket",
  async () => {
    await using ctx = new Context();
    using pull = ctx.socket("PULL", { maxmsgsize: 5 });
    const { zmq, server, url } = mount(pull);
    try {
      using push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 10 });
      await push.connect(url);
      for (const n of [0, 3, 5]) {
        await push.send(new Uint8Array(n).fill(0x61));
        assert.equal((await pull.receive({ timeout: RECV_MS }))[0]!.length, n);
      }
      await waitFor(() => zmq.peers === 1, RECV_MS, "the PUSH joined");
      await push.send(new Uint8Array(6));
      await waitFor(() => zmq.peers === 0, RECV_MS, "the PUSH's WebSocket closed");
      // The PUSH reconnects and is served again (messages in flight at the close are lost).
      const deadline = Date.now() + RECV_MS;
      let got: Uint8Array[] | null = null;
      while (!got && Date.now() < deadline) {
        await push.send("ok");
        got = await pull.receive({ timeout: 100 }).catch(() => null);
      }
      assert.equal(got && dec.decode(got[0]!), "ok");
    } finally {
      await server.stop();
    }
  },
  { skip },
);
