/**
 * Engine-level transport tests through the idiomatic face plus raw TCP peers made with the
 * runtime adapter: ZMTP/1.0 detection (docs/wire.md §2.1, §4.2), malformed frames,
 * XS_MAXMSGSIZE, IPv6 loopback, and term linger. Connect-before-bind queueing and
 * reconnection, on every scheme, are in the transport suite (tests/_transport_suite.ts).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, hexOf, portOf, reservePort, runtime, test, waitFor } from "../_harness.ts";
import { Context } from "../../mod.ts";
import { loadRuntime } from "../../lib/runtime/mod.ts";
import type { StreamConn, StreamHandlers } from "../../lib/runtime/mod.ts";

const dec = new TextDecoder();
const strs = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p));
const hex = (b: Uint8Array) => hexOf(b).toUpperCase();

/** A raw TCP client that records what it receives and when it is closed. */
class RawPeer implements StreamHandlers {
  got: number[] = [];
  closed_ = false;
  conn!: StreamConn;
  private queue: Uint8Array[] = [];
  private busy = false;
  data(chunk: Uint8Array) {
    for (const b of chunk) this.got.push(b);
  }
  written() {
    this.busy = false;
    this.pump();
  }
  closed() {
    this.closed_ = true;
  }
  send(bytes: number[]) {
    this.queue.push(new Uint8Array(bytes));
    this.pump();
  }
  private pump() {
    if (this.busy || this.closed_ || !this.queue.length) return;
    this.busy = true;
    this.conn.write(this.queue.shift()!);
  }
  async close() {
    this.conn.close();
    await waitFor(() => this.closed_, 2000, "raw peer closed");
  }
  static async connect(port: number): Promise<RawPeer> {
    const rt = await loadRuntime();
    const attach = await rt.connectTcp("127.0.0.1", port);
    const p = new RawPeer();
    p.conn = attach(p);
    return p;
  }
}

test("a raw ZMTP/1.0 peer is detected and delivers to our PULL", async () => {
  const ctx = new Context();
  const pull = ctx.socket("PULL", { linger: 0 });
  let raw: RawPeer | null = null;
  try {
    await pull.bind("tcp://127.0.0.1:*");
    raw = await RawPeer.connect(portOf(pull.lastEndpoint));
    raw.send([0x01, 0x00]);
    raw.send([0x03, 0x00, 0x68, 0x69]);
    raw.send([0x02, 0x01, 0x61, 0x03, 0x00, 0x62, 0x63]);
    assert.deepEqual(strs(await pull.receive({ timeout: 5000 })), ["hi"]);
    assert.deepEqual(strs(await pull.receive({ timeout: 5000 })), ["a", "bc"]);
    await waitFor(() => raw!.got.length >= 10, 2000, "10 greeting bytes");
    assert.equal(hex(new Uint8Array(raw.got.slice(0, 10))), "FF 00 00 00 00 00 00 00 01 7F");
  } finally {
    await raw?.close();
    pull.close();
    await ctx.term();
  }
}, { timeout: 15_000 });

test("a malformed frame closes only that connection", async () => {
  const ctx = new Context();
  const pull = ctx.socket("PULL", { linger: 0 });
  const push = ctx.socket("PUSH", { linger: 0 });
  let raw: RawPeer | null = null;
  try {
    await pull.bind("tcp://127.0.0.1:*");
    await push.connect(pull.lastEndpoint);
    await push.send("ok1");
    assert.deepEqual(strs(await pull.receive({ timeout: 5000 })), ["ok1"]);
    raw = await RawPeer.connect(portOf(pull.lastEndpoint));
    raw.send([0x01, 0x00]);
    raw.send([0x00, 0x00]);
    await waitFor(() => raw!.closed_, 2000, "raw connection closed by our PULL");
    await push.send("ok2");
    assert.deepEqual(strs(await pull.receive({ timeout: 5000 })), ["ok2"]);
  } finally {
    if (raw && !raw.closed_) await raw.close();
    push.close();
    pull.close();
    await ctx.term();
  }
}, {
  timeout: 15_000,
});

test("XS_MAXMSGSIZE: an oversize part closes the connection", async () => {
  const ctx = new Context();
  const pull = ctx.socket("PULL", { linger: 0, maxmsgsize: 100 });
  const big = ctx.socket("PUSH", { linger: 0 });
  const small = ctx.socket("PUSH", { linger: 0 });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    await big.connect(pull.lastEndpoint);
    await big.send(new Uint8Array(1000));
    await delay(300);
    assert.equal(pull.tryReceive(), null);
    await small.connect(pull.lastEndpoint);
    await small.send("small");
    assert.deepEqual(strs(await pull.receive({ timeout: 5000 })), ["small"]);
  } finally {
    big.close();
    small.close();
    pull.close();
    await ctx.term();
  }
}, { timeout: 15_000 });

test("IPv6 loopback tcp works with ipv4only 0", async () => {
  const rt = await loadRuntime();
  try {
    const l = await rt.listenTcp("::1", 0, () => ({ data() {}, written() {}, closed() {} }));
    l.close();
    await delay(20);
  } catch (e) {
    console.warn(`skipped at run time: no IPv6 loopback (${(e as Error).message})`);
    return;
  }
  const ctx = new Context();
  const pull = ctx.socket("PULL", { linger: 0, ipv4only: false });
  const push = ctx.socket("PUSH", { linger: 0, ipv4only: false });
  try {
    await pull.bind("tcp://[::1]:*");
    await push.connect(pull.lastEndpoint);
    await push.send("v6");
    assert.deepEqual(strs(await pull.receive({ timeout: 5000 })), ["v6"]);
  } finally {
    push.close();
    pull.close();
    await ctx.term();
  }
}, { timeout: 15_000 });

test("term with linger 100 and an undeliverable message takes about 100 ms", async () => {
  const port = await reservePort();
  const ctx = new Context();
  const push = ctx.socket("PUSH", { linger: 100, reconnectIvl: 50 });
  await push.connect(`tcp://127.0.0.1:${port}`);
  await push.send("lost");
  push.close();
  const t0 = performance.now();
  await ctx.term();
  const t = performance.now() - t0;
  assert.ok(t > 50 && t < 600, `term took ${t.toFixed(0)} ms`);
}, {
  timeout: 15_000,
  // Under `deno test` on a cold cache the worker is type-checked as it starts (> 500 ms),
  // and term must wait for it; the bound itself is asserted by the next case, with the
  // worker already up. Runs on Bun, where the worker starts in ~20 ms.
  skip: runtime === "deno"
    ? "cold Deno worker start (type check) exceeds the 600 ms bound; see the next case"
    : false,
});

test(
  "term with linger 100 and an undeliverable message takes about 100 ms (I/O worker already up)",
  async () => {
    const port = await reservePort();
    const ctx = new Context();
    const push = ctx.socket("PUSH", { linger: 100, reconnectIvl: 50 });
    await push.connect(`tcp://127.0.0.1:${port}`);
    await push.send("lost");
    await delay(300); // scenario delay: let the I/O worker start before the clock runs
    push.close();
    const t0 = performance.now();
    await ctx.term();
    const t = performance.now() - t0;
    assert.ok(t > 50 && t < 600, `term took ${t.toFixed(0)} ms`);
  },
  { timeout: 15_000 },
);
