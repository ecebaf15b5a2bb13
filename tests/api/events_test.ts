/**
 * `socket.events` (docs/api.md §2.1): every transition a connection goes through, as typed
 * events with zeromq.js's names, on tcp, ipc and inproc: listening, accept, connect:delay,
 * connect, handshake (peer type, dialect, mechanism), disconnect, connect:retry, bind:error,
 * handshake:error:protocol and :other (raw peers that break or leave the handshake), close
 * (shutdown), end; bounded with a count of what a slow reader lost; `return()` stops it.
 *
 * Runs on: the test runner's main thread (the I/O worker does the tcp/ipc side).
 */
import { Context, EVENTS_KEPT, type SocketEvent } from "../../mod.ts";
import { assert, reservePort, scratchEndpoint, test } from "../_harness.ts";
import { RawPeer } from "../upstream/_testutil.ts";
import { untilEvent as until } from "../_events.ts";

for (const scheme of ["tcp", "ipc"] as const) {
  test(`events over ${scheme}: listening, accept, connect, handshake, disconnect, end`, async () => {
    await using ctx = new Context();
    const pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
    const pe = pull.events, se = push.events;
    assert.equal(pull.events, pe, "the same object on every read");
    await pull.bind(scratchEndpoint(scheme));
    const address = pull.lastEndpoint;
    const listening = await until(pe, "listening");
    assert.deepEqual(listening, { type: "listening", address });
    await push.connect(address);
    assert.deepEqual(await until(se, "connect:delay"), { type: "connect:delay", address });
    const connect = await until(se, "connect");
    assert.equal(connect.type === "connect" && connect.address, address);
    const hs = await until(se, "handshake");
    assert.ok(hs.type === "handshake");
    assert.deepEqual([hs.address, hs.peerType, hs.version, hs.mechanism], [
      address,
      "PULL",
      "3.1",
      "NULL",
    ]);
    const accept = await until(pe, "accept");
    assert.equal(accept.address, address);
    const phs = await until(pe, "handshake");
    assert.ok(phs.type === "handshake" && phs.peerType === "PUSH");
    await push.send("x");
    assert.equal(await pull.receiveText({ timeout: 5_000 }), "x");
    push.close();
    const gone = await until(pe, "disconnect");
    assert.ok(gone.type === "disconnect" && gone.address === address && gone.cause.length > 0);
    assert.deepEqual(await until(se, "end"), { type: "end", address: "" });
    assert.deepEqual(await se.next(), { value: undefined, done: true });
    pull.close();
    await until(pe, "end");
  });
}

test("events: a connect with nobody there retries, with the interval", async () => {
  await using ctx = new Context();
  const push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 50 });
  const events = push.events;
  const port = await reservePort();
  await push.connect(`tcp://127.0.0.1:${port}`);
  const retry = await until(events, "connect:retry");
  assert.ok(retry.type === "connect:retry");
  assert.equal(retry.address, `tcp://127.0.0.1:${port}`);
  assert.ok(retry.interval >= 50, `interval ${retry.interval}`);
  assert.ok(retry.error.length > 0);
  push.close();
});

test("events: bind:error with the errno, and the bind rejects", async () => {
  await using ctx = new Context();
  using a = ctx.socket("PULL"), b = ctx.socket("PULL");
  await a.bind("tcp://127.0.0.1:*");
  const events = b.events;
  await assert.rejects(b.bind(a.lastEndpoint), /EADDRINUSE|Address already in use/);
  const e = await until(events, "bind:error");
  assert.ok(e.type === "bind:error" && e.address === a.lastEndpoint && e.error.length > 0);
});

test("events: a raw peer that breaks the handshake, and one that leaves it", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  const events = pull.events;
  await pull.bind("tcp://127.0.0.1:*");
  const bad = await RawPeer.connect(pull.lastEndpoint);
  await until(events, "accept");
  // A ZMTP/3 signature, then a version byte no one speaks and garbage.
  bad.send([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x09, ...new Array(60).fill(0xee)]);
  const broke = await until(events, "handshake:error:protocol");
  assert.ok(broke.type === "handshake:error:protocol" && broke.error.length > 0);
  await bad.close();
  const quitter = await RawPeer.connect(pull.lastEndpoint);
  await until(events, "accept");
  await quitter.close();
  const left = await until(events, "handshake:error:other");
  assert.ok(left.type === "handshake:error:other");
});

test("events: shutdown of a bound endpoint reports close", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  const events = pull.events;
  const id = await pull.bind("tcp://127.0.0.1:*");
  await until(events, "listening");
  pull.shutdown(id);
  assert.deepEqual(await until(events, "close"), { type: "close", address: pull.lastEndpoint });
});

test("events over inproc: listening, connect:delay before the bind, connect and accept", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
  const pe = pull.events, se = push.events;
  const address = scratchEndpoint("inproc");
  await push.connect(address);
  assert.deepEqual(await until(se, "connect:delay"), { type: "connect:delay", address });
  await pull.bind(address);
  assert.deepEqual(await until(pe, "listening"), { type: "listening", address });
  assert.deepEqual(await until(pe, "accept"), { type: "accept", address, remote: address });
  assert.deepEqual(await until(se, "connect"), { type: "connect", address, remote: address });
});

test("events are bounded: a slow reader loses the oldest and is told how many", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
  const address = scratchEndpoint("inproc");
  await pull.bind(address);
  const events = pull.events;
  const n = EVENTS_KEPT + 100;
  for (let i = 0; i < n; i++) await push.connect(address); // an accept event each
  assert.equal(events.dropped, 100);
  // The oldest kept event, the first the reader gets, says how many were lost before it.
  const first = await events.next();
  assert.ok(!first.done && first.value.type === "accept");
  assert.equal(first.value.dropped, 100);
  push.close();
  pull.close();
  let last: SocketEvent | undefined;
  let count = 1;
  for await (const ev of events) {
    last = ev;
    count++;
  }
  assert.equal(last?.type, "end");
  assert.equal(last?.dropped, undefined);
  assert.equal(count, EVENTS_KEPT + 1, "kept events and end");
});

test("events: return() (a break) stops the reporting", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  const events = pull.events;
  await pull.bind("tcp://127.0.0.1:*");
  for await (const ev of events) {
    assert.equal(ev.type, "listening");
    break;
  }
  assert.deepEqual(await events.next(), { value: undefined, done: true });
  // Reading events again gives the same, finished object.
  assert.equal(pull.events, events);
});

test("events: a terminated context ends them, and readable/writable tell readiness", async () => {
  const ctx = new Context();
  const pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
  const address = scratchEndpoint("inproc");
  await pull.bind(address);
  await push.connect(address);
  assert.deepEqual([pull.readable, push.writable], [false, true]);
  await push.send("x");
  assert.equal(pull.readable, true);
  const events = pull.events;
  await ctx.term();
  assert.deepEqual(await events.next(), { value: { type: "end", address: "" }, done: false });
  assert.throws(() => pull.readable, /ETERM|ENOTSOCK|terminated|closed/);
});
