/**
 * The transport suite: the behaviours every URL scheme must show, registered once per scheme
 * as cases named "<scheme>: ..." (in the manner of nng's NUTS_DECLARE_TRAN_TESTS and mangos'
 * TranVerify* helpers). The runners are tests/transports/{inproc,tcp,ipc}_suite_test.ts; each
 * passes a maker of fresh, concrete endpoints (no wildcard port: a connect before the bind and
 * a second bind need the address in advance).
 *
 * Only the public faces are used (mod.ts and xs.ts). Where a scheme documentedly differs, the
 * case says so and checks the documented behaviour instead (docs/behaviour.md §5):
 *
 * - inproc: a connect before the bind works here (§10.1; upstream refuses it with
 *   ECONNREFUSED, §8 trap 12); endpoint id 0 cannot be shut down (ENOTSUP, §2.3); no
 *   reconnection (§5.1), so a binder that comes back is not found again.
 * - ipc: a bind deletes whatever file is at its path, so a second bind replaces the first and
 *   never reports EADDRINUSE (§5.2, §8 trap 14).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, retry, test, texts } from "./_harness.ts";
import { Context, type Socket, XsError } from "../mod.ts";
import * as xs from "../xs.ts";

/** A URL scheme the suite knows. */
export type Scheme = "inproc" | "ipc" | "tcp" | "ws";

/** Makes a fresh endpoint of the scheme that nobody binds yet. */
export type MakeEndpoint = () => string | Promise<string>;

/** How long a message that should arrive may take (ms). */
const ARRIVE_MS = 5_000;
/**
 * How long a receive that must find nothing waits (ms). Absence cannot be waited for as a
 * condition; a receive bounded by this timeout is the check.
 */
const ABSENT_MS = 200;

/** True when `e` is an XsError with this code and the matching errno. */
function isXs(e: unknown, code: string, errno: number): boolean {
  return e instanceof XsError && e.code === code && e.errno === errno;
}

/** The C face's errno after a call that must have failed. */
function failed(rc: number | null): number {
  assert.ok(rc === null || rc === -1, `expected a failure, got ${rc}`);
  return xs.xs_errno();
}

/**
 * Sends `text` from `from` every 50 ms until `to` receives it, and returns what `to` got. For
 * a sender that cannot know when its new connection is up: a message written on a connection
 * the peer already closed is lost, as upstream (docs/behaviour.md §5.5).
 */
async function sendUntilReceived(from: Socket, to: Socket, text: string): Promise<string[]> {
  const end = Date.now() + ARRIVE_MS;
  for (;;) {
    await from.send(text, { timeout: ARRIVE_MS });
    try {
      return texts(await to.receive({ timeout: 50 }));
    } catch (e) {
      if (!isXs(e, "EAGAIN", xs.EAGAIN) || Date.now() > end) throw e;
    }
  }
}

/** A pattern of `n` bytes that a shifted or truncated copy cannot match. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 8)) & 0xff;
  return b;
}

/** Registers the transport suite for `scheme`. */
export function transportSuite(scheme: Scheme, makeEndpoint: MakeEndpoint): void {
  const name = (what: string) => `${scheme}: ${what}`;
  const opts = { timeout: 20_000 };

  test(name("bind then connect delivers a message both ways (PAIR)"), async () => {
    await using ctx = new Context();
    using a = ctx.socket("PAIR", { linger: 0 }), b = ctx.socket("PAIR", { linger: 0 });
    const ep = await makeEndpoint();
    await a.bind(ep);
    await b.connect(ep);
    await b.send("ping");
    assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), ["ping"]);
    await a.send("pong");
    assert.deepEqual(texts(await b.receive({ timeout: ARRIVE_MS })), ["pong"]);
  }, opts);

  test(
    name(
      scheme === "inproc"
        ? "connect before bind delivers once the bind happens (our §10.1; upstream 1.2.0 refuses)"
        : "connect before bind delivers once the bind happens",
    ),
    async () => {
      // docs/behaviour.md §4.4, §8 trap 8: a PUSH that connected owns its pipe at once and
      // queues; §5.5: the connecting side keeps trying until the bind. For inproc, §10.1.
      await using ctx = new Context();
      using push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 20 }),
        pull = ctx.socket("PULL", { linger: 0 });
      const ep = await makeEndpoint();
      await push.connect(ep);
      await push.send(["early", "bird"], { timeout: 1_000 });
      // Scenario delay: let attempts to reach the missing listener fail first (tcp, ipc).
      await delay(100);
      await retry(() => pull.bind(ep));
      assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["early", "bird"]);
    },
    opts,
  );

  test(name("a multi-part message arrives whole and in order (both faces)"), async () => {
    // docs/behaviour.md §4.3: a message is seen whole, its parts in the order sent.
    const parts = ["1", "two", "", "four", "5".repeat(300), "six"];
    {
      await using ctx = new Context();
      using a = ctx.socket("PAIR", { linger: 0 }), b = ctx.socket("PAIR", { linger: 0 });
      const ep = await makeEndpoint();
      await a.bind(ep);
      await b.connect(ep);
      await b.send(parts);
      await b.send("after");
      assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), parts);
      assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), ["after"]);
    }
    // The C face, part by part: each part in turn, XS_RCVMORE set on all but the last.
    const ctx = xs.xs_init();
    const a = xs.xs_socket(ctx, xs.XS_PAIR)!, b = xs.xs_socket(ctx, xs.XS_PAIR)!;
    try {
      for (const s of [a, b]) {
        assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, ARRIVE_MS), 0);
        assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
      }
      const ep = await makeEndpoint();
      assert.ok(xs.xs_bind(a, ep) >= 0, xs.xs_strerror(xs.xs_errno()));
      assert.ok(xs.xs_connect(b, ep) >= 0, xs.xs_strerror(xs.xs_errno()));
      const enc = new TextEncoder();
      parts.forEach((p, i) => {
        const flags = i < parts.length - 1 ? xs.XS_SNDMORE : 0;
        assert.equal(xs.xs_send(b, enc.encode(p), p.length, flags), p.length);
      });
      const buf = new Uint8Array(1024), more = new Int32Array(1);
      const got: string[] = [], mores: number[] = [];
      for (let i = 0; i < parts.length; i++) {
        const n = xs.xs_recv(a, buf, buf.length, 0);
        assert.ok(n >= 0, `part ${i}: ${xs.xs_strerror(xs.xs_errno())}`);
        got.push(new TextDecoder().decode(buf.subarray(0, n)));
        assert.equal(xs.xs_getsockopt(a, xs.XS_RCVMORE, more, { value: 4 }), 0);
        mores.push(more[0]!);
      }
      assert.deepEqual(got, parts);
      assert.deepEqual(mores, parts.map((_, i) => (i < parts.length - 1 ? 1 : 0)));
    } finally {
      xs.xs_close(b);
      xs.xs_close(a);
      xs.xs_term(ctx);
    }
  }, opts);

  test(name("a 1 MiB part and empty parts arrive intact"), async () => {
    await using ctx = new Context();
    using a = ctx.socket("PAIR", { linger: 0 }), b = ctx.socket("PAIR", { linger: 0 });
    const ep = await makeEndpoint();
    await a.bind(ep);
    await b.connect(ep);
    const big = pattern(1 << 20);
    await b.send([new Uint8Array(0), big, new Uint8Array(0)]);
    await b.send(new Uint8Array(0));
    const m = await a.receive({ timeout: ARRIVE_MS });
    assert.deepEqual(m.map((p) => p.length), [0, 1 << 20, 0]);
    assert.ok(m[1]!.every((x, i) => x === big[i]), "the 1 MiB part changed on the way");
    const empty = await a.receive({ timeout: ARRIVE_MS });
    assert.deepEqual(empty.map((p) => p.length), [0]);
    // And back the other way.
    await a.send(big);
    const back = await b.receive({ timeout: ARRIVE_MS });
    assert.equal(back.length, 1);
    assert.ok(back[0]!.length === big.length && back[0]!.every((x, i) => x === big[i]));
  }, opts);

  if (scheme === "ipc") {
    test(
      name("a second bind of a path replaces the first, no EADDRINUSE (docs/behaviour.md §5.2)"),
      async () => {
        // §5.2, §8 trap 14: an ipc bind deletes the file at its path, so it never reports
        // EADDRINUSE; new connections reach the second binder.
        await using ctx = new Context();
        using first = ctx.socket("PULL", { linger: 0 }),
          second = ctx.socket("PULL", { linger: 0 }),
          push = ctx.socket("PUSH", { linger: 0 });
        const ep = await makeEndpoint();
        await first.bind(ep);
        await second.bind(ep);
        await push.connect(ep);
        await push.send("to whom");
        assert.deepEqual(texts(await second.receive({ timeout: ARRIVE_MS })), ["to whom"]);
        await assert.rejects(first.receive({ timeout: ABSENT_MS }), (e) => isXs(e, "EAGAIN", 11));
        // The C face agrees.
        const c = xs.xs_init();
        const s1 = xs.xs_socket(c, xs.XS_PULL)!, s2 = xs.xs_socket(c, xs.XS_PULL)!;
        try {
          const ep2 = await makeEndpoint();
          assert.ok(xs.xs_bind(s1, ep2) > 0);
          assert.ok(xs.xs_bind(s2, ep2) > 0, xs.xs_strerror(xs.xs_errno()));
        } finally {
          xs.xs_close(s1);
          xs.xs_close(s2);
          xs.xs_term(c);
        }
      },
      opts,
    );
  } else {
    test(name("binding a bound endpoint again fails with EADDRINUSE (both faces)"), async () => {
      // docs/behaviour.md §5.1 (a second bind of a name), §5.3 (a second live listener).
      {
        await using ctx = new Context();
        using a = ctx.socket("PULL", { linger: 0 }), b = ctx.socket("PULL", { linger: 0 });
        const ep = await makeEndpoint();
        await a.bind(ep);
        await assert.rejects(b.bind(ep), (e) => isXs(e, "EADDRINUSE", xs.EADDRINUSE));
        await assert.rejects(a.bind(ep), (e) => isXs(e, "EADDRINUSE", xs.EADDRINUSE));
        // The first bind still works.
        using push = ctx.socket("PUSH", { linger: 0 });
        await push.connect(ep);
        await push.send("still here");
        assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), ["still here"]);
      }
      const ctx = xs.xs_init();
      const a = xs.xs_socket(ctx, xs.XS_PULL)!, b = xs.xs_socket(ctx, xs.XS_PULL)!;
      try {
        const ep = await makeEndpoint();
        assert.ok(xs.xs_bind(a, ep) >= 0, xs.xs_strerror(xs.xs_errno()));
        assert.equal(failed(xs.xs_bind(b, ep)), xs.EADDRINUSE);
        assert.equal(failed(xs.xs_bind(a, ep)), xs.EADDRINUSE);
      } finally {
        xs.xs_close(a);
        xs.xs_close(b);
        xs.xs_term(ctx);
      }
    }, opts);
  }

  if (scheme === "inproc") {
    test(
      name("endpoint id 0 cannot be shut down (ENOTSUP); closing the peer stops delivery"),
      async () => {
        // docs/behaviour.md §2.3: inproc answers id 0, and xs_shutdown of an id ≤ 0 is ENOTSUP.
        await using ctx = new Context();
        using pull = ctx.socket("PULL", { linger: 0 }), push = ctx.socket("PUSH", { linger: 0 });
        const ep = await makeEndpoint();
        assert.equal(await pull.bind(ep), 0);
        assert.equal(await push.connect(ep), 0);
        assert.throws(() => pull.shutdown(0), (e) => isXs(e, "ENOTSUP", xs.ENOTSUP));
        assert.throws(() => push.shutdown(0), (e) => isXs(e, "ENOTSUP", xs.ENOTSUP));
        await push.send("one");
        assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["one"]);
        // Once the PULL is gone the PUSH has no peer: its send waits (EAGAIN at once).
        pull.close();
        assert.equal(push.writable, false);
        assert.equal(push.trySend("two"), false);
        const c = xs.xs_init();
        const s = xs.xs_socket(c, xs.XS_PULL)!;
        try {
          assert.equal(xs.xs_bind(s, await makeEndpoint()), 0);
          assert.equal(failed(xs.xs_shutdown(s, 0)), xs.ENOTSUP);
        } finally {
          xs.xs_close(s);
          xs.xs_term(c);
        }
      },
      opts,
    );
  } else {
    test(name("shutting down a bind endpoint stops delivery and frees the address"), async () => {
      // docs/behaviour.md §2.3: shutting down a bind endpoint closes its listener and the
      // connections that came in through it; the connecting side keeps its pipe (§5.5).
      await using ctx = new Context();
      using pull = ctx.socket("PULL", { linger: 0 }),
        push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 20 }),
        next = ctx.socket("PULL", { linger: 0 });
      const ep = await makeEndpoint();
      const id = await pull.bind(ep);
      assert.ok(id > 0, `a ${scheme} bind id is positive, got ${id}`);
      await push.connect(ep);
      await push.send("before");
      assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["before"]);
      pull.shutdown(id);
      await push.send("after", { timeout: 1_000 });
      await assert.rejects(pull.receive({ timeout: ABSENT_MS }), (e) => isXs(e, "EAGAIN", 11));
      // The address is free again, and the PUSH reconnects to the new binder ("after" comes
      // first if it was still queued, or it went down with the closed connection, §5.5).
      await retry(() => next.bind(ep));
      const got = (await sendUntilReceived(push, next, "again")).join();
      assert.ok(got === "after" || got === "again", `the new binder got ${got}`);
      assert.throws(() => pull.shutdown(id), (e) => isXs(e, "EINVAL", xs.EINVAL));
    }, opts);

    test(name("shutting down a connect endpoint stops delivery (both faces)"), async () => {
      // docs/behaviour.md §2.3: shutting down a connect endpoint ends its connection and its
      // reconnection attempts; with no pipe left a PUSH has nowhere to send (§8 trap 8).
      {
        await using ctx = new Context();
        using pull = ctx.socket("PULL", { linger: 0 }), push = ctx.socket("PUSH", { linger: 0 });
        const ep = await makeEndpoint();
        await pull.bind(ep);
        const id = await push.connect(ep);
        assert.ok(id > 0);
        await push.send("before");
        assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["before"]);
        push.shutdown(id);
        assert.equal(push.writable, false, "the PUSH still has a pipe after shutdown");
        assert.equal(push.trySend("after"), false);
        await assert.rejects(pull.receive({ timeout: ABSENT_MS }), (e) => isXs(e, "EAGAIN", 11));
      }
      const ctx = xs.xs_init();
      const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
      try {
        xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, ARRIVE_MS);
        xs.xs_setsockopt(push, xs.XS_LINGER, 0);
        xs.xs_setsockopt(pull, xs.XS_LINGER, 0);
        const ep = await makeEndpoint();
        assert.ok(xs.xs_bind(pull, ep) > 0);
        const id = xs.xs_connect(push, ep);
        assert.ok(id > 0);
        assert.equal(xs.xs_send(push, new Uint8Array([1]), 1, 0), 1);
        assert.equal(xs.xs_recv(pull, new Uint8Array(1), 1, 0), 1);
        assert.equal(xs.xs_shutdown(push, id), 0);
        assert.equal(failed(xs.xs_send(push, new Uint8Array([2]), 1, xs.XS_DONTWAIT)), xs.EAGAIN);
        assert.equal(failed(xs.xs_shutdown(push, id)), xs.EINVAL);
      } finally {
        xs.xs_close(push);
        xs.xs_close(pull);
        xs.xs_term(ctx);
      }
    }, opts);
  }

  test(name("a peer that closes and a new one that connects gets traffic again"), async () => {
    // The binder stays; its first connector leaves and another one arrives (a PAIR takes the
    // new peer once the old pipe is gone, docs/behaviour.md §4.4).
    await using ctx = new Context();
    using a = ctx.socket("PAIR", { linger: 0 });
    const ep = await makeEndpoint();
    await a.bind(ep);
    const first = ctx.socket("PAIR", { linger: 0 });
    await first.connect(ep);
    await first.send("from first");
    assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), ["from first"]);
    first.close();
    using second = ctx.socket("PAIR", { linger: 0, reconnectIvl: 20 });
    await second.connect(ep);
    await second.send("from second");
    assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), ["from second"]);
    await a.send("to second");
    assert.deepEqual(texts(await second.receive({ timeout: ARRIVE_MS })), ["to second"]);
  }, opts);

  test(
    name("a binder that goes away and comes back gets traffic again (reconnection)"),
    async () => {
      // docs/behaviour.md §5.5: the connecting side reconnects, its pipe outliving the
      // connection. §5.1: inproc has no reconnection, hence no case here.
      await using ctx = new Context();
      using push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 20 });
      let pull: Socket = ctx.socket("PULL", { linger: 0 });
      try {
        const ep = await makeEndpoint();
        await pull.bind(ep);
        await push.connect(ep);
        await push.send("one");
        assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["one"]);
        pull.close();
        pull = ctx.socket("PULL", { linger: 0 });
        await retry(() => pull.bind(ep));
        assert.deepEqual(await sendUntilReceived(push, pull, "two"), ["two"]);
      } finally {
        pull.close();
      }
    },
    { ...opts, skip: scheme === "inproc" ? "inproc has no reconnection (§5.1)" : false },
  );

  test(name("closing a socket with a pending connect does not hang (both faces)"), async () => {
    // Nobody ever binds `ep`. docs/behaviour.md §5.6: with linger 0 what is queued is thrown
    // away at close; without anything queued the default linger has nothing to wait for.
    const ep = await makeEndpoint();
    const ctx = new Context();
    const idle = ctx.socket("PUSH", { reconnectIvl: 20 }); // default linger, nothing queued
    const queued = ctx.socket("PUSH", { linger: 0, reconnectIvl: 20 });
    await idle.connect(ep);
    await queued.connect(ep);
    assert.equal(queued.trySend("never delivered"), true);
    const t0 = performance.now();
    idle.close();
    queued.close();
    await ctx.term();
    const ms = performance.now() - t0;
    assert.ok(ms < 1_000, `close + term took ${ms.toFixed(0)} ms`);

    const c = xs.xs_init();
    const s = xs.xs_socket(c, xs.XS_PUSH)!;
    assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
    assert.ok(xs.xs_connect(s, await makeEndpoint()) >= 0);
    assert.equal(xs.xs_send(s, new Uint8Array([7]), 1, xs.XS_DONTWAIT), 1);
    const t1 = performance.now();
    assert.equal(xs.xs_close(s), 0);
    assert.equal(xs.xs_term(c), 0);
    const ms2 = performance.now() - t1;
    assert.ok(ms2 < 1_000, `xs_close + xs_term took ${ms2.toFixed(0)} ms`);
  }, opts);
}
