/**
 * The protocol suite: the contract every socket type keeps, driven by a small description of
 * the type (which type it pairs with, whether it sends and receives, whether it is raw) and
 * registered as cases named "<TYPE>: ..." (transport-free) and "<TYPE> over <scheme>: ...".
 * The runner is tests/protocols/suite_test.ts, for all 15 types over inproc and tcp.
 *
 * Every expectation is the documented one: docs/behaviour.md §2.3–§2.4 (ENOTSUP, EFSM, EAGAIN),
 * §3 (option checks), §4.1 (what each type can do), §4.5–§4.8 (envelopes), §5.6 (linger); the
 * idiomatic face's error forms are docs/api.md §2 and §6. Only the public faces are used.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, reservePort, scratchEndpoint, test, texts } from "./_harness.ts";
import { Context, type Socket, type SocketTypeName, XsError } from "../mod.ts";
import * as xs from "../xs.ts";

/** Whether a type sends (or receives): always, never (ENOTSUP), or in its turn (else EFSM). */
export type Ability = "yes" | "no" | "in turn";

/** The description of one socket type the suite is driven by. */
export interface ProtocolInfo {
  /** The Crossroads name, as `socket.type` reports it. */
  type: SocketTypeName;
  /** Its `XS_*` number, as `XS_TYPE` reads back. */
  number: number;
  /** The type it is paired with in the conversation case. */
  peer: SocketTypeName;
  /** docs/behaviour.md §4.1, "send" column. */
  send: Ability;
  /** docs/behaviour.md §4.1, "receive" column. */
  receive: Ability;
  /** A raw type: the application sees and writes the envelope (identities, survey ids). */
  raw: boolean;
}

/** The schemes the per-transport cases run over. */
export type ProtocolScheme = "inproc" | "ipc" | "tcp";

const ARRIVE_MS = 5_000;

/** True when `e` is an XsError with this code and the matching errno. */
function isXs(e: unknown, code: string, errno: number): boolean {
  return e instanceof XsError && e.code === code && e.errno === errno;
}

/** The C face's errno after a call that must have failed. */
function failed(rc: number | null): number {
  assert.ok(rc === null || rc === -1, `expected a failure, got ${rc}`);
  return xs.xs_errno();
}

const bytes = (...b: number[]) => new Uint8Array(b);

/**
 * Sends `parts` from `from` every 50 ms until `to` receives a message, which it returns: for
 * publishers, whose messages vanish until the subscription has arrived (§8 trap 18).
 */
async function sendUntilReceived(
  from: Socket,
  to: Socket,
  parts: string[],
): Promise<Uint8Array[]> {
  const end = Date.now() + ARRIVE_MS;
  for (;;) {
    await from.send(parts, { timeout: ARRIVE_MS });
    try {
      return await to.receive({ timeout: 50 });
    } catch (e) {
      if (!isXs(e, "EAGAIN", xs.EAGAIN) || Date.now() > end) throw e;
    }
  }
}

/** Binds `binder` to a fresh endpoint of `scheme` and connects `connector` to it. */
async function link(scheme: ProtocolScheme, binder: Socket, connector: Socket): Promise<void> {
  await binder.bind(scratchEndpoint(scheme));
  await connector.connect(binder.lastEndpoint);
}

/** The next whole message of `sock`, within ARRIVE_MS. */
const rx = async (sock: Socket) => await sock.receive({ timeout: ARRIVE_MS });

/** `a` sends `ask`, which `b` receives whole; with a `reply`, `b` answers and `a` receives it. */
async function exchange(a: Socket, b: Socket, ask: string[], reply?: string[]): Promise<void> {
  await a.send(ask);
  assert.deepEqual(texts(await rx(b)), ask);
  if (!reply) return;
  await b.send(reply);
  assert.deepEqual(texts(await rx(a)), reply);
}

/**
 * The conversation of `info.type` (`s`) with its peer (`p`): a message from the peer arrives
 * at `s`, and one from `s` at the peer, as far as each can do so, envelopes included for the
 * raw types. The side whose first message would otherwise be dropped connects (its pipe
 * exists at once, §4.4); publishers repeat until the subscription has arrived.
 */
async function converse(info: ProtocolInfo, scheme: ProtocolScheme, s: Socket, p: Socket) {
  switch (info.type) {
    case "PAIR":
      await link(scheme, s, p);
      await exchange(p, s, ["ping", "x"], ["pong"]);
      return;
    case "PUB":
      p.subscribe("to");
      await link(scheme, s, p);
      assert.deepEqual(texts(await sendUntilReceived(s, p, ["topic", "body"])), ["topic", "body"]);
      await s.send("other"); // matches no subscription: dropped (§4.6)
      await s.send(["top", "2"]);
      assert.deepEqual(texts(await rx(p)), ["top", "2"]);
      return;
    case "SUB":
      s.subscribe("to");
      await link(scheme, p, s);
      assert.deepEqual(texts(await sendUntilReceived(p, s, ["topic", "body"])), ["topic", "body"]);
      await p.send("other");
      await p.send(["top", "2"]);
      assert.deepEqual(texts(await rx(s)), ["top", "2"]);
      return;
    case "XPUB": {
      await link(scheme, s, p);
      p.subscribe("to");
      // §4.5: [u16 1 subscribe][u16 1 prefix filter]["to"], one part.
      assert.deepEqual(await rx(s), [bytes(0, 1, 0, 1, 0x74, 0x6f)]);
      await s.send(["topic", "body"]);
      assert.deepEqual(texts(await rx(p)), ["topic", "body"]);
      return;
    }
    case "XSUB":
      await link(scheme, p, s);
      await s.send(bytes(0, 1, 0, 1)); // subscribe to everything (§4.5)
      assert.deepEqual(texts(await sendUntilReceived(p, s, ["any", "body"])), ["any", "body"]);
      return;
    case "REQ":
      await link(scheme, p, s);
      await exchange(s, p, ["ping"], ["pong"]);
      return;
    case "REP":
      await link(scheme, s, p);
      await exchange(p, s, ["ping"], ["pong"]);
      return;
    case "XREQ":
      // §4.7, §8 trap 19: towards a REP the XREQ writes the empty delimiter itself.
      await link(scheme, p, s);
      await s.send(["", "ping"]);
      assert.deepEqual(texts(await rx(p)), ["ping"]);
      await p.send("pong");
      assert.deepEqual(texts(await rx(s)), ["", "pong"]);
      return;
    case "XREP": {
      // §4.7: [peer id][""][body]; an anonymous peer's id is 00 + a u32 counter.
      await link(scheme, s, p);
      await p.send("ping");
      const m = await rx(s);
      assert.equal(m.length, 3);
      assert.equal(m[0]!.length, 5);
      assert.equal(m[0]![0], 0);
      assert.deepEqual(texts(m.slice(1)), ["", "ping"]);
      await s.send([m[0]!, "", "pong"]);
      assert.deepEqual(texts(await rx(p)), ["pong"]);
      return;
    }
    case "PUSH":
      await link(scheme, p, s);
      await exchange(s, p, ["a", "b"]);
      return;
    case "PULL":
      await link(scheme, s, p);
      await exchange(p, s, ["a", "b"]);
      return;
    case "SURVEYOR":
      s.surveyTimeout = ARRIVE_MS;
      await link(scheme, p, s);
      await exchange(s, p, ["q"], ["a"]);
      return;
    case "RESPONDENT":
      p.surveyTimeout = ARRIVE_MS;
      await link(scheme, s, p);
      await exchange(p, s, ["q"], ["a"]);
      return;
    case "XSURVEYOR": {
      // §4.8: a survey is [id (4 bytes)][body], and so is the response.
      await link(scheme, p, s);
      const id = bytes(0, 0, 0, 7);
      await s.send([id, "q"]);
      assert.deepEqual(texts(await rx(p)), ["q"]);
      await p.send("a");
      const m = await rx(s);
      assert.deepEqual(m[0], id);
      assert.deepEqual(texts(m.slice(1)), ["a"]);
      return;
    }
    case "XRESPONDENT": {
      // §4.8: [peer id (4 bytes)][survey id (4 bytes)][body].
      p.surveyTimeout = ARRIVE_MS;
      await link(scheme, s, p);
      await p.send("q");
      const m = await rx(s);
      assert.deepEqual(m.map((x) => x.length), [4, 4, 1]);
      assert.deepEqual(texts(m.slice(2)), ["q"]);
      await s.send([m[0]!, m[1]!, "a"]);
      assert.deepEqual(texts(await rx(p)), ["a"]);
      return;
    }
    default:
      throw new Error(`no conversation for ${info.type}`);
  }
}

/** A message `info.type` may send without a peer (its envelope where the type needs one). */
function anyMessage(info: ProtocolInfo): (string | Uint8Array)[] {
  switch (info.type) {
    case "XSUB":
      return [bytes(0, 1, 0, 1)];
    case "XREP":
      return [bytes(0, 0, 0, 0, 1), "x"];
    case "XRESPONDENT":
    case "XSURVEYOR":
      return [bytes(0, 0, 0, 1), "x"];
    case "XREQ":
      return ["", "x"];
    default:
      return ["x"];
  }
}

/** Registers the protocol suite for one socket type, the per-transport cases over `schemes`. */
export function protocolSuite(info: ProtocolInfo, schemes: readonly ProtocolScheme[]): void {
  const T = info.type;

  test(`${T}: XS_TYPE reads back ${info.number}, and the idiomatic face names it ${T}`, async () => {
    const ctx = xs.xs_init();
    const s = xs.xs_socket(ctx, info.number)!;
    try {
      const v = new Int32Array(1), len = { value: 4 };
      assert.equal(xs.xs_getsockopt(s, xs.XS_TYPE, v, len), 0);
      assert.equal(v[0], info.number);
      assert.equal(len.value, 4);
      assert.equal(failed(xs.xs_setsockopt(s, xs.XS_TYPE, info.number)), xs.EINVAL);
    } finally {
      xs.xs_close(s);
      xs.xs_term(ctx);
    }
    await using c = new Context();
    using byNumber = c.socket(info.number), byName = c.socket(T.toLowerCase() as SocketTypeName);
    assert.equal(byNumber.type, T);
    assert.equal(byName.type, T);
  });

  if (info.send !== "yes") {
    const [code, errno] = info.send === "no" ? ["ENOTSUP", xs.ENOTSUP] : ["EFSM", xs.EFSM];
    test(`${T}: sending ${info.send === "no" ? "" : "out of turn "}gives ${code} (both faces)`, async () => {
      // §2.4, §4.1: the type refuses at once, whatever the flags; nothing waits.
      const ctx = xs.xs_init();
      const s = xs.xs_socket(ctx, info.number)!;
      try {
        assert.equal(xs.xs_bind(s, scratchEndpoint("inproc")), 0);
        assert.equal(failed(xs.xs_send(s, bytes(1), 1, xs.XS_DONTWAIT)), errno);
        assert.equal(failed(xs.xs_send(s, bytes(1), 1, 0)), errno);
      } finally {
        xs.xs_close(s);
        xs.xs_term(ctx);
      }
      await using c = new Context();
      using sock = c.socket(T);
      await sock.bind(scratchEndpoint("inproc"));
      await assert.rejects(sock.send("x"), (e) => isXs(e, code, errno));
      assert.throws(() => sock.trySend("x"), (e) => isXs(e, code, errno));
    });
  }

  test(
    info.receive === "yes"
      ? `${T}: a non-blocking receive with nothing queued gives EAGAIN (both faces)`
      : `${T}: receiving ${
        info.receive === "no" ? "gives ENOTSUP" : "out of turn gives EFSM"
      } (both faces)`,
    async () => {
      // §2.4: EAGAIN for DONTWAIT or a timeout that ran out; the type's own refusals (ENOTSUP,
      // EFSM) return at once even from a blocking receive.
      const [code, errno] = info.receive === "yes"
        ? ["EAGAIN", xs.EAGAIN]
        : info.receive === "no"
        ? ["ENOTSUP", xs.ENOTSUP]
        : ["EFSM", xs.EFSM];
      const ctx = xs.xs_init();
      const s = xs.xs_socket(ctx, info.number)!;
      try {
        assert.equal(xs.xs_bind(s, scratchEndpoint("inproc")), 0);
        const buf = new Uint8Array(8);
        assert.equal(failed(xs.xs_recv(s, buf, 8, xs.XS_DONTWAIT)), errno);
        assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 20), 0);
        assert.equal(failed(xs.xs_recv(s, buf, 8, 0)), errno);
        assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 0), 0);
        assert.equal(failed(xs.xs_recv(s, buf, 8, 0)), errno);
      } finally {
        xs.xs_close(s);
        xs.xs_term(ctx);
      }
      await using c = new Context();
      using sock = c.socket(T);
      await sock.bind(scratchEndpoint("inproc"));
      await assert.rejects(sock.receive({ timeout: 0 }), (e) => isXs(e, code, errno));
      await assert.rejects(sock.receive({ timeout: 20 }), (e) => isXs(e, code, errno));
      if (info.receive === "yes") assert.equal(sock.tryReceive(), null);
      else assert.throws(() => sock.tryReceive(), (e) => isXs(e, code, errno));
    },
  );

  test(`${T}: an invalid option value gives EINVAL on the C face`, () => {
    // §3: the generic checks, and EINVAL for an unknown or read-only option or a wrong
    // length. A refused value changes nothing.
    const ctx = xs.xs_init();
    const s = xs.xs_socket(ctx, info.number)!;
    try {
      const v = new Int32Array(1), len = { value: 4 };
      assert.equal(xs.xs_getsockopt(s, xs.XS_SNDHWM, v, len), 0);
      const hwm = v[0];
      assert.equal(failed(xs.xs_setsockopt(s, xs.XS_SNDHWM, -1)), xs.EINVAL);
      assert.equal(failed(xs.xs_setsockopt(s, xs.XS_IPV4ONLY, 2)), xs.EINVAL);
      assert.equal(failed(xs.xs_setsockopt(s, xs.XS_IDENTITY, bytes(0, 1))), xs.EINVAL);
      assert.equal(failed(xs.xs_setsockopt(s, xs.XS_RCVMORE, 1)), xs.EINVAL);
      assert.equal(failed(xs.xs_setsockopt(s, 10, 1)), xs.EINVAL); // an unknown option
      assert.equal(failed(xs.xs_setsockopt(s, xs.XS_LINGER, new Int32Array(2), 8)), xs.EINVAL);
      assert.equal(xs.xs_getsockopt(s, xs.XS_SNDHWM, v, len), 0);
      assert.equal(v[0], hwm);
    } finally {
      xs.xs_close(s);
      xs.xs_term(ctx);
    }
  });

  test(`${T}: the idiomatic face refuses an out-of-range option value with RangeError`, async () => {
    // docs/api.md §6: "A value outside 'values' is refused with EINVAL (C face) or a
    // RangeError/TypeError (idiomatic face)"; §2: arguments of the wrong type or range raise
    // TypeError or RangeError. A refused value changes nothing.
    await using c = new Context();
    using sock = c.socket(T);
    const hwm = sock.sndhwm;
    assert.throws(() => (sock.sndhwm = 1.5), RangeError); // not an integer
    assert.throws(() => (sock.sndhwm = -1), RangeError); // an integer outside "≥ 0"
    assert.throws(() => (sock.rate = 0), RangeError); // outside "> 0"
    assert.equal(sock.sndhwm, hwm);
  });

  test(`${T}: type-specific options: XS_SUBSCRIBE ${T === "SUB" ? "accepted" : "EINVAL"}, XS_SURVEY_TIMEOUT ${T === "SURVEYOR" ? "accepted" : "ENOTSUP"}`, () => {
    // §3: XS_SUBSCRIBE / XS_UNSUBSCRIBE are SUB's (else EINVAL, also on XSUB, whose
    // subscriptions are messages); XS_SURVEY_TIMEOUT is SURVEYOR's (else ENOTSUP, on get too).
    const ctx = xs.xs_init();
    const s = xs.xs_socket(ctx, info.number)!;
    try {
      const sub = xs.xs_setsockopt(s, xs.XS_SUBSCRIBE, "a");
      const unsub = xs.xs_setsockopt(s, xs.XS_UNSUBSCRIBE, "a");
      if (T === "SUB") assert.deepEqual([sub, unsub], [0, 0]);
      else {
        assert.equal(failed(sub), xs.EINVAL);
        assert.equal(failed(unsub), xs.EINVAL);
      }
      const set = xs.xs_setsockopt(s, xs.XS_SURVEY_TIMEOUT, 100);
      const v = new Int32Array(1);
      const get = xs.xs_getsockopt(s, xs.XS_SURVEY_TIMEOUT, v, { value: 4 });
      if (T === "SURVEYOR") assert.deepEqual([set, get, v[0]], [0, 0, 100]);
      else {
        assert.equal(failed(set), xs.ENOTSUP);
        assert.equal(failed(get), xs.ENOTSUP);
      }
    } finally {
      xs.xs_close(s);
      xs.xs_term(ctx);
    }
  });

  for (const scheme of schemes) {
    const name = (what: string) => `${T} over ${scheme}: ${what}`;

    test(
      name(`a message from the paired ${info.peer} arrives${info.raw ? ", envelope and all" : ""}`),
      async () => {
        await using ctx = new Context({ linger: 0 });
        using s = ctx.socket(T), p = ctx.socket(info.peer);
        await converse(info, scheme, s, p);
      },
      { timeout: 15_000 },
    );

    if (info.receive === "yes") {
      test(
        name(`with the ${info.peer} connected and nothing sent, receive gives EAGAIN`),
        async () => {
          await using ctx = new Context({ linger: 0 });
          using s = ctx.socket(T), p = ctx.socket(info.peer);
          await link(scheme, s, p);
          assert.equal(s.tryReceive(), null);
          await assert.rejects(s.receive({ timeout: 0 }), (e) => isXs(e, "EAGAIN", xs.EAGAIN));
          await assert.rejects(s.receive({ timeout: 30 }), (e) => isXs(e, "EAGAIN", xs.EAGAIN));
        },
      );
    }

    test(name("close with messages still queued and linger 0 returns promptly"), async () => {
      // §5.6: with linger 0 what still waits to go out is thrown away at close, so term does
      // not wait for a peer that never comes (the endpoint is never bound). Types that queue
      // for a connected pipe (§8 trap 8) really have messages pending here.
      const ep = scheme === "tcp"
        ? `tcp://127.0.0.1:${await reservePort()}`
        : scratchEndpoint(scheme);
      const ctx = new Context();
      const s = ctx.socket(T, { linger: 0, reconnectIvl: 20 });
      await s.connect(ep); // over tcp/ipc this also waits for the I/O worker to be up
      if (T === "REQ") assert.equal(s.trySend("request"), true); // one, then EFSM (§4.7)
      else if (info.send === "yes") { for (let i = 0; i < 3; i++) s.trySend(anyMessage(info)); }
      const t0 = performance.now();
      s.close();
      await ctx.term();
      const ms = performance.now() - t0;
      assert.ok(ms < 1_000, `close + term took ${ms.toFixed(0)} ms`);
    }, { timeout: 15_000 });
  }
}
