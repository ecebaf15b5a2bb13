/**
 * Wire modes (extension XS_WIRE_MODE, docs/wire.md §4.4) against raw byte peers: `xs1` speaks
 * Crossroads I/O 1.2.0's own wire (no greeting; identity frames only for the REQ/REP
 * family; subscriptions in the 4-byte form), `zmtp1` speaks 0MQ 2.x (identity frames
 * always, no subscriptions).
 *
 * Runs on: the test runner's main thread (the engine's worker beside it).
 */
import { assert, hexOf as hex, test, waitFor } from "../_harness.ts";
import { Context } from "../../mod.ts";
import { loadRuntime } from "../../lib/runtime/mod.ts";
import type { Listener, StreamConn } from "../../lib/runtime/mod.ts";

/** A raw peer: collects every byte it receives. */
interface Raw {
  conn: StreamConn;
  got: () => Uint8Array;
  closed: () => boolean;
}

function collector() {
  let buf = new Uint8Array(0);
  let closed = false;
  return {
    handlers: {
      data(chunk: Uint8Array) {
        const b = new Uint8Array(buf.length + chunk.length);
        b.set(buf);
        b.set(chunk, buf.length);
        buf = b;
      },
      written() {},
      closed() {
        closed = true;
      },
    },
    got: () => buf,
    isClosed: () => closed,
  };
}

async function rawConnect(endpoint: string): Promise<Raw> {
  const rt = await loadRuntime();
  const port = Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
  const attach = await rt.connectTcp("127.0.0.1", port);
  const c = collector();
  return { conn: attach(c.handlers), got: c.got, closed: c.isClosed };
}

async function rawListen(): Promise<{ listener: Listener; port: number; peer: () => Raw | null }> {
  const rt = await loadRuntime();
  let peer: Raw | null = null;
  const listener = await rt.listenTcp("127.0.0.1", 0, (conn) => {
    const c = collector();
    peer = { conn, got: c.got, closed: c.isClosed };
    return c.handlers;
  });
  return { listener, port: listener.port, peer: () => peer };
}

test("xs1: a Crossroads PUSH that sends its first message at once reaches our PULL whole", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { wire: "xs1" });
  await pull.bind("tcp://127.0.0.1:*");
  const raw = await rawConnect(pull.lastEndpoint);
  try {
    raw.conn.write(
      new Uint8Array([0x03, 0x00, 0x6d, 0x31, 0x02, 0x01, 0x61, 0x03, 0x00, 0x62, 0x63]),
    );
    const m1 = await pull.receive({ timeout: 10_000 });
    assert.deepEqual(m1.map((p) => new TextDecoder().decode(p)), ["m1"]);
    const m2 = await pull.receive({ timeout: 10_000 });
    assert.deepEqual(m2.map((p) => new TextDecoder().decode(p)), ["a", "bc"]);
    assert.equal(raw.got().length, 0, "an xs1 PULL sends nothing first");
  } finally {
    raw.conn.close();
  }
});

test("xs1: our PUSH writes the legacy frame header first, with no greeting or identity", async () => {
  const l = await rawListen();
  try {
    await using ctx = new Context();
    using push = ctx.socket("PUSH", { wire: "xs1", linger: 0 });
    await push.connect(`tcp://127.0.0.1:${l.port}`);
    await push.send("m1");
    await waitFor(() => (l.peer()?.got().length ?? 0) >= 4, 10_000, "4 bytes");
    assert.equal(hex(l.peer()!.got()), "03 00 6d 31");
  } finally {
    l.peer()?.conn.close();
    l.listener.close();
  }
});

test("xs1: REQ sends its identity frame first and takes the peer's first frame as its identity", async () => {
  const l = await rawListen();
  try {
    await using ctx = new Context();
    using req = ctx.socket("REQ", { wire: "xs1", linger: 0 });
    await req.connect(`tcp://127.0.0.1:${l.port}`);
    await waitFor(() => (l.peer()?.got().length ?? 0) >= 2, 10_000, "identity frame");
    assert.equal(hex(l.peer()!.got().subarray(0, 2)), "01 00");
  } finally {
    l.peer()?.conn.close();
    l.listener.close();
  }
});

test("xs1: REQ sends its request without waiting for the peer's identity, and drops the peer's first frame", async () => {
  const l = await rawListen();
  try {
    await using ctx = new Context();
    using req = ctx.socket("REQ", { wire: "xs1", linger: 0 });
    await req.connect(`tcp://127.0.0.1:${l.port}`);
    await req.send("q");
    // Its identity, the delimiter (MORE) and the body, with nothing from the peer yet (a
    // Crossroads PULL never sends anything).
    await waitFor(() => (l.peer()?.got().length ?? 0) >= 7, 10_000, "7 bytes");
    assert.equal(hex(l.peer()!.got()), "01 00 01 01 02 00 71");
    // The peer's identity frame ("id", any content: it is dropped unread), then a reply.
    l.peer()!.conn.write(new Uint8Array([0x03, 0x00, 0x69, 0x64, 0x01, 0x01, 0x02, 0x00, 0x61]));
    const reply = await req.receive({ timeout: 10_000 });
    assert.deepEqual(reply.map((p) => new TextDecoder().decode(p)), ["a"]);
  } finally {
    l.peer()?.conn.close();
    l.listener.close();
  }
});

test("zmtp1: our PUSH sends an identity frame (01 00) and, once it has the peer's, the message", async () => {
  const l = await rawListen();
  try {
    await using ctx = new Context();
    using push = ctx.socket("PUSH", { wire: "zmtp1", linger: 0 });
    await push.connect(`tcp://127.0.0.1:${l.port}`);
    await push.send("m1");
    await waitFor(() => l.peer() !== null, 10_000, "connection");
    l.peer()!.conn.write(new Uint8Array([0x01, 0x00])); // the 0MQ 2.x peer's anonymous identity
    await waitFor(() => (l.peer()?.got().length ?? 0) >= 6, 10_000, "6 bytes");
    assert.equal(hex(l.peer()!.got()), "01 00 03 00 6d 31");
  } finally {
    l.peer()?.conn.close();
    l.listener.close();
  }
});

test("zmtp1: our PULL takes the 0MQ 2.x peer's first frame as its identity", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { wire: "zmtp1" });
  await pull.bind("tcp://127.0.0.1:*");
  const raw = await rawConnect(pull.lastEndpoint);
  try {
    raw.conn.write(new Uint8Array([0x01, 0x00, 0x03, 0x00, 0x68, 0x69]));
    const m = await pull.receive({ timeout: 10_000 });
    assert.deepEqual(m.map((p) => new TextDecoder().decode(p)), ["hi"]);
    await waitFor(() => raw.got().length >= 2, 10_000, "our identity frame");
    assert.equal(hex(raw.got()), "01 00");
  } finally {
    raw.conn.close();
  }
});

test("the wire option rejects unknown modes with TypeError", async () => {
  await using ctx = new Context();
  using s = ctx.socket("PULL");
  assert.equal(s.wire, "auto");
  s.wire = "xs1";
  assert.equal(s.wire, "xs1");
  assert.throws(() => (s.wire = "zmtp9" as never), TypeError);
});
