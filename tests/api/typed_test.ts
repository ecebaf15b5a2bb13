/**
 * What the idiomatic face's types promise, and what they let through: `Socket<T>` refuses
 * at type-check time what a socket type cannot do (the `@ts-expect-error` lines fail
 * `deno check` if that ever stops), socket types report the name they were made with, the
 * text and JSON conveniences, and the readable option aliases.
 *
 * Runs on: the test runner's main thread.
 */
import { Context, type Socket, XS_DEALER, XS_PUSH, XsError } from "../../mod.ts";
import { assert, scratchEndpoint, test } from "../_harness.ts";

test("Socket<T>: the type checker refuses what the type cannot do, run time agrees", async () => {
  await using ctx = new Context();
  using push = ctx.socket("PUSH"), pull = ctx.socket("PULL"), pub = ctx.socket("pub");
  using sub = ctx.socket("SUB"), pair = ctx.socket("PAIR");
  const notsup = (e: unknown) => e instanceof XsError && e.code === "ENOTSUP";
  // @ts-expect-error a PUSH cannot receive
  await assert.rejects(push.receive({ timeout: 0 }), notsup);
  // @ts-expect-error a PUB cannot receive
  assert.throws(() => pub.tryReceive(), notsup);
  // @ts-expect-error a PULL cannot send
  await assert.rejects(pull.send("x"), notsup);
  // @ts-expect-error a SUB cannot send
  assert.throws(() => sub.trySend("x"), notsup);
  // @ts-expect-error only SUB and XSUB subscribe
  assert.throws(() => pull.subscribe("a"), (e) => e instanceof XsError && e.code === "EINVAL");
  // @ts-expect-error a PUSH never becomes readable
  await assert.rejects(push.waitReadable({ timeout: 0 }), notsup);
  // @ts-expect-error a SUB never becomes writable
  await assert.rejects(sub.waitWritable({ timeout: 0 }), notsup);
  // @ts-expect-error a PUSH cannot be iterated for messages
  const iterate = () => push[Symbol.asyncIterator]();
  assert.equal(typeof iterate, "function");
  // What each type can do type-checks.
  sub.subscribe("a");
  assert.equal(pair.tryReceive(), null);
  // Any typed socket is a Socket; a plain Socket allows every call (checked at run time).
  const plain: Socket[] = [push, pull, pub, sub, pair];
  assert.throws(() => plain[0]!.tryReceive(), notsup);
  const byNumber = ctx.socket(XS_PUSH);
  assert.throws(() => byNumber.tryReceive(), notsup);
  byNumber.close();
});

test("Socket.type reports the name it was made with: DEALER, ROUTER, XREQ, upper case", async () => {
  await using ctx = new Context();
  using d = ctx.socket("DEALER"), r = ctx.socket("router"), x = ctx.socket("XREP");
  using n = ctx.socket(XS_DEALER), p = ctx.socket("push");
  const names: string[] = [d.type, r.type, x.type, n.type, p.type];
  // By number, the Crossroads name (XS_DEALER is XS_XREQ, 5).
  assert.deepEqual(names, ["DEALER", "ROUTER", "XREP", "XREQ", "PUSH"]);
  const typed: "ROUTER" = r.type;
  assert.equal(typed, "ROUTER");
  // Error messages use the same name.
  await assert.rejects(
    (r as Socket).receive({ timeout: 0 }),
    (e) => e instanceof XsError && /ROUTER/.test(e.message),
  );
});

for (const scheme of ["inproc", "tcp"] as const) {
  test(`sendJson, receiveJson and receiveText over ${scheme}`, async () => {
    await using ctx = new Context();
    using pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
    await pull.bind(scratchEndpoint(scheme));
    await push.connect(pull.lastEndpoint);
    const job = { id: 7, name: "ünïcode", tags: ["a", "b"], nested: { ok: true } };
    await push.sendJson(job);
    assert.deepEqual(await pull.receiveJson<typeof job>({ timeout: 5000 }), job);
    // The body is the last part; earlier parts (a topic, an envelope) are left out.
    await push.send(["topic", "body ✓"]);
    assert.equal(await pull.receiveText({ timeout: 5000 }), "body ✓");
    // Not JSON: the parser's SyntaxError; that message is consumed, the next one arrives.
    await push.send("{not json");
    await push.sendJson([1, 2]);
    await assert.rejects(pull.receiveJson({ timeout: 5000 }), SyntaxError);
    assert.deepEqual(await pull.receiveJson({ timeout: 5000 }), [1, 2]);
    // No JSON form, or none possible: TypeError before anything is sent.
    assert.throws(() => push.sendJson(undefined), /sendJson: a undefined has no JSON form/);
    assert.throws(() => push.sendJson(() => 1), TypeError);
    assert.throws(() => push.sendJson({ n: 1n }), TypeError);
    assert.equal(pull.tryReceive(), null);
  });
}

test("readable option aliases: zeromq.js names beside the Crossroads ones", async () => {
  await using ctx = new Context();
  using s = ctx.socket("DEALER", {
    sendHighWaterMark: 5,
    receiveHighWaterMark: 6,
    sendTimeout: 7,
    receiveTimeout: 8,
    reconnectInterval: 90,
    reconnectMaxInterval: 900,
    maxMessageSize: 1024,
    sendBufferSize: 65536,
    receiveBufferSize: 32768,
    routingId: "me",
  });
  assert.deepEqual(
    [s.sndhwm, s.rcvhwm, s.sndtimeo, s.rcvtimeo, s.reconnectIvl, s.reconnectIvlMax],
    [5, 6, 7, 8, 90, 900],
  );
  assert.deepEqual([s.maxmsgsize, s.sndbuf, s.rcvbuf], [1024, 65536, 32768]);
  assert.equal(new TextDecoder().decode(s.identity), "me");
  s.receiveTimeout = 50;
  assert.equal(s.rcvtimeo, 50);
  assert.equal(s.receiveTimeout, 50);
  assert.equal(new TextDecoder().decode(s.routingId), "me");
  // Same checks as the option they stand for.
  assert.throws(() => (s.sendHighWaterMark = -1), RangeError);
  assert.throws(() => ctx.socket("PUSH", { sendHighWaterMark: -1 }), RangeError);
  assert.throws(
    () => ctx.socket("PUSH", { sendHighwaterMark: 1 } as never),
    /Unknown socket option "sendHighwaterMark"/,
  );
});
