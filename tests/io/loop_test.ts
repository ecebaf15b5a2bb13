/**
 * Tests of the I/O worker's loop (lib/io/loop.ts) on one thread, with an in-memory
 * runtime instead of sockets and the test playing both the API thread (commands in,
 * events out of the control ring) and a raw ZMTP/3.1 peer (lib/wire's `Handshake`):
 * bind and its reply, an accepted connection offered and given a pipe, frames both ways
 * through the pipe's rings, a refused connection, a connect that resolves its host at
 * each attempt, and close reporting `closed`.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test, waitFor } from "../_harness.ts";
import { IoLoop } from "../../lib/io/mod.ts";
import type { Endpoint } from "../../lib/transports/mod.ts";
import {
  API_BELL_BLOCK_BYTES,
  CONTEXT_BLOCK_BYTES,
  controlPlace,
  ControlReader,
  newPipeBlock,
  PIPE_RING_BYTES,
  pipePlaces,
  RingReader,
  RingWriter,
  type ToApi,
  type WireOptions,
  type WorkerNote,
} from "../../lib/pipe/mod.ts";
import type { AcceptFn, Runtime, StreamConn, StreamHandlers } from "../../lib/runtime/mod.ts";
import { encodeMessage3, Handshake } from "../../lib/wire/mod.ts";

/** A connection of the in-memory runtime: what the loop writes, the test reads. */
class MemConn implements StreamConn {
  readonly remote = "mem";
  h: StreamHandlers | null = null;
  wrote: number[] = [];
  closed = false;
  paused = false;
  write(bytes: Uint8Array): void {
    this.wrote.push(...bytes);
    queueMicrotask(() => this.h?.written());
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.h?.closed());
  }
  take(): Uint8Array {
    const b = new Uint8Array(this.wrote);
    this.wrote = [];
    return b;
  }
}

/** Listeners by port; `accept` hands the loop a new connection as a peer would. */
class MemRuntime implements Runtime {
  readonly name = "mem";
  readonly listeners = new Map<number, AcceptFn>();
  listenTcp(_host: string, port: number, accept: AcceptFn) {
    const p = port || 40000 + this.listeners.size;
    this.listeners.set(p, accept);
    return Promise.resolve({ port: p, close: () => this.listeners.delete(p) });
  }
  connectTcp(): Promise<never> {
    return Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
  }
  listenUnix(): Promise<never> {
    return Promise.reject(new Error("no unix sockets here"));
  }
  connectUnix(): Promise<never> {
    return Promise.reject(new Error("no unix sockets here"));
  }
  netDenied() {
    return null;
  }
  resolve(host: string) {
    return Promise.resolve([host]);
  }
  interfaces() {
    return [{ name: "lo", address: "127.0.0.1", ipv6: false }];
  }
  removeFile() {}
  soon(fn: () => void) {
    setTimeout(fn, 0);
  }
  /** A peer connects to `port`: the loop's session starts on the returned conn. */
  accept(port: number): MemConn {
    const c = new MemConn();
    c.h = this.listeners.get(port)!(c);
    return c;
  }
}

const OPTS: WireOptions = {
  type: "PULL",
  peers: ["PUSH"],
  sendsIdentity: false,
  subscriptions: "none",
  identity: [],
  maxmsgsize: -1,
  reconnectIvl: 100,
  reconnectIvlMax: 0,
  backlog: 100,
  keepalive: false,
  ipv4only: true,
  mode: "auto",
};

function setup() {
  const rt = new MemRuntime();
  const notes: WorkerNote[] = [];
  const loop = new IoLoop(rt, (n) => notes.push(n));
  const block = new SharedArrayBuffer(CONTEXT_BLOCK_BYTES);
  loop.command({ t: "init", sab: block, bell: new SharedArrayBuffer(API_BELL_BLOCK_BYTES) });
  const control = new ControlReader(controlPlace(block));
  const events: ToApi[] = [];
  /** Waits (bounded) for an event of kind `t`. */
  const next = async <T extends ToApi["t"]>(t: T) => {
    let got: ToApi | undefined;
    await waitFor(() => {
      control.drain(events);
      const i = events.findIndex((e) => e.t === t);
      if (i >= 0) got = events.splice(i, 1)[0];
      return got !== undefined;
    }, 2000);
    return got as Extract<ToApi, { t: T }>;
  };
  /** The API thread's bind command for socket `sock`, endpoint id `ep`. */
  const bind = (req: number, sock: number, ep: number, endpoint: Endpoint) =>
    loop.command({ t: "bind", req, sock, ep, endpoint, opts: OPTS });
  return { rt, loop, notes, next, bind };
}

const tcp = (port: number): Endpoint => ({ scheme: "tcp", host: "127.0.0.1", port, ipv6: false });

/** Runs a PUSH peer's handshake against the session behind `c`. */
async function handshake(c: MemConn): Promise<void> {
  const peer = new Handshake({
    socketType: "PUSH",
    identity: new Uint8Array(0),
    sendIdentity: false,
    acceptPeer: (t) => t === "PULL",
  });
  c.h!.data(peer.start());
  await waitFor(() => {
    const out = peer.feed(c.take());
    if (out.length) c.h!.data(out);
    return peer.done !== null;
  }, 2000);
}

test("io loop: bind replies with the bound endpoint; a connection is offered, then served", async () => {
  const { rt, loop, notes, next, bind } = setup();
  bind(7, 1, 1, tcp(0));
  const r = await next("reply");
  assert.equal(r.req, 7);
  assert.equal(r.errno, 0);
  assert.equal(r.endpoint?.scheme, "tcp");
  const port = (r.endpoint as { port: number }).port;
  assert.ok(port > 0, "a wildcard port is resolved");

  const c = rt.accept(port);
  await handshake(c);
  const a = await next("accept");
  assert.equal(a.sock, 1);
  assert.equal(a.peerType, "PUSH");
  assert.equal(a.version, "3.1");
  assert.ok(notes.some((n) => n.t === "wake"), "the API thread is woken for events");

  const sab = newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES);
  const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
  loop.command({ t: "pipe", conn: a.conn, pipe: 11, sab });
  const inbound = new RingReader(places.in);
  c.h!.data(encodeMessage3([new TextEncoder().encode("hello")]));
  await waitFor(() => inbound.available() > 0, 2000);
  assert.equal(inbound.sizeAt(0), 5);

  // The API thread writes a frame into the OUT ring and wakes the loop.
  const outbound = new RingWriter(places.out);
  outbound.putHeader(0, 1);
  outbound.putByte(0x21);
  outbound.endMessage();
  outbound.publish();
  loop.command({ t: "wake" });
  await waitFor(() => c.wrote.length >= 3, 2000);
  assert.deepEqual(c.take(), new Uint8Array([0, 1, 0x21]));

  // The peer goes away: the accepted pipe is gone for good.
  c.close();
  assert.equal((await next("gone")).pipe, 11);
  loop.command({ t: "close", sock: 1, linger: 0, at: Date.now() });
  assert.equal((await next("closed")).sock, 1);
  assert.equal(rt.listeners.size, 0, "the listener is closed");
});

test("io loop: a refused connection is closed; a failed bind replies with its errno", async () => {
  const { rt, loop, next, bind } = setup();
  bind(1, 2, 1, tcp(5555));
  await next("reply");
  const c = rt.accept(5555);
  await handshake(c);
  const a = await next("accept");
  loop.command({ t: "refuse", conn: a.conn });
  await waitFor(() => c.closed, 2000);

  bind(2, 2, 2, { scheme: "ipc", path: "/nowhere" });
  const r = await next("reply");
  assert.equal(r.req, 2);
  assert.notEqual(r.errno, 0);
  assert.match(r.error ?? "", /no unix sockets here/);
  loop.command({ t: "close", sock: 2, linger: 0, at: Date.now() });
  await next("closed");
});

test("io loop: a tcp connect resolves its host again at every attempt", async () => {
  // docs/behaviour.md §10.12 (§8 trap 26): Crossroads 1.2.0 resolves the name once, in
  // xs_connect, and dials that address for ever; a name that moves is followed here.
  const { rt, loop, next } = setup();
  const asked: string[] = [];
  rt.resolve = (host: string) => {
    asked.push(host);
    return Promise.resolve([`127.0.0.${asked.length}`]);
  };
  const dialled: string[] = [];
  (rt as Runtime).connectTcp = (host: string) => {
    dialled.push(host);
    return Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
  };
  loop.command({
    t: "connect",
    sock: 3,
    ep: 1,
    endpoint: { scheme: "tcp", host: "svc.test", port: 5555, ipv6: false },
    opts: { ...OPTS, type: "PUSH", peers: ["PULL"], reconnectIvl: 5 },
    pipe: 21,
    sab: newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES),
    rcvhwm: 0,
  });
  await waitFor(() => dialled.length >= 3, 2000, "three attempts");
  assert.deepEqual(asked.slice(0, 3), ["svc.test", "svc.test", "svc.test"]);
  assert.deepEqual(dialled.slice(0, 3), ["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
  loop.command({ t: "close", sock: 3, linger: 0, at: Date.now() });
  await next("closed");
});
