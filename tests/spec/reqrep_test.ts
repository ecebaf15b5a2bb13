/**
 * Spec tests of REQ and REP through the public faces only (docs/behaviour.md §4.1,
 * §4.3, §4.7; §8 traps 6, 7, 19; docs/upstream-tests.md §4.6, the REQ/REP state machine).
 * Each case states the rule it checks and runs over inproc, ipc and tcp.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS, waitFor } from "../_harness.ts";
import { Context, type Socket, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
const str = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join("|");
const isCode = (code: string) => (e: unknown) => e instanceof XsError && e.code === code;

/** Waits until one of `socks` has a message; returns its index and the message. */
async function firstOf(socks: Socket[], ms = 5000): Promise<[number, Uint8Array[]]> {
  let hit: [number, Uint8Array[]] | null = null;
  await waitFor(
    () => {
      for (let i = 0; i < socks.length && !hit; i++) {
        const m = socks[i]!.tryReceive();
        if (m) hit = [i, m];
      }
      return hit !== null;
    },
    ms,
    "a request at one of the REPs",
  );
  return hit!;
}

for (const scheme of TRANSPORTS) {
  test(`REQ fails with EFSM when it receives before sending or sends twice over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, REQ): sending while awaiting a reply, or receiving
    // while ready, fails with EFSM.
    await using ctx = new Context();
    using rep = ctx.socket("REP"), req = ctx.socket("REQ");
    await rep.bind(scratchEndpoint(scheme));
    await req.connect(rep.lastEndpoint);
    await assert.rejects(req.receive({ timeout: 100 }), isCode("EFSM"));
    assert.throws(() => req.tryReceive(), isCode("EFSM"));
    await req.send("one");
    await assert.rejects(req.send("two"), isCode("EFSM"));
    assert.throws(() => req.trySend("two"), isCode("EFSM"));
    assert.equal(str(await rep.receive({ timeout: 5000 })), "one");
    await rep.send("reply");
    assert.equal(str(await req.receive({ timeout: 5000 })), "reply");
    // Back in the ready state: a second round works.
    await req.send("three");
    assert.equal(str(await rep.receive({ timeout: 5000 })), "three");
  });

  test(`REP fails with EFSM when it sends before a request or receives before replying over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, REP; §8 trap 7): receiving fails with EFSM until the
    // reply's last part is sent; sending outside reply state fails with EFSM.
    await using ctx = new Context();
    using rep = ctx.socket("REP"), req = ctx.socket("REQ");
    await rep.bind(scratchEndpoint(scheme));
    await req.connect(rep.lastEndpoint);
    await assert.rejects(rep.send("early"), isCode("EFSM"));
    await req.send(["a", "b"]);
    assert.equal(str(await rep.receive({ timeout: 5000 })), "a|b");
    await assert.rejects(rep.receive({ timeout: 100 }), isCode("EFSM"));
    await rep.send(["c", "d"]);
    await assert.rejects(rep.send("again"), isCode("EFSM"));
    assert.equal(str(await req.receive({ timeout: 5000 })), "c|d");
  });

  test(`REQ and REP report EFSM at the first part on the C face over ${scheme}`, () => {
    // SHALL (docs/behaviour.md §8 trap 6): a successful send must be followed by a receive;
    // upstream fails a multi-part send out of turn at its first part, before any part is
    // taken.
    const ctx = xs.xs_init()!;
    const rep = xs.xs_socket(ctx, xs.XS_REP)!, req = xs.xs_socket(ctx, xs.XS_REQ)!;
    try {
      for (const s of [rep, req]) assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 5000), 0);
      assert.ok(xs.xs_bind(rep, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(req, xs.xs_last_endpoint(rep)!) >= 0);
      const buf = new Uint8Array(8);
      assert.equal(xs.xs_recv(req, buf, 8, 0), -1);
      assert.equal(xs.xs_errno(), xs.EFSM);
      assert.equal(xs.xs_send(rep, buf, 1, xs.XS_SNDMORE), -1);
      assert.equal(xs.xs_errno(), xs.EFSM);
      assert.equal(xs.xs_send(req, enc.encode("q1"), 2, xs.XS_SNDMORE), 2);
      assert.equal(xs.xs_send(req, enc.encode("q2"), 2, 0), 2);
      assert.equal(xs.xs_send(req, enc.encode("x"), 1, xs.XS_SNDMORE), -1);
      assert.equal(xs.xs_errno(), xs.EFSM);
      assert.equal(xs.xs_recv(rep, buf, 8, 0), 2);
      assert.equal(xs.xs_recv(rep, buf, 8, 0), 2);
      assert.equal(xs.xs_recv(rep, buf, 8, xs.XS_DONTWAIT), -1);
      assert.equal(xs.xs_errno(), xs.EFSM);
      assert.equal(xs.xs_send(rep, enc.encode("r"), 1, 0), 1);
      assert.equal(xs.xs_recv(req, buf, 8, 0), 1);
      assert.equal(dec.decode(buf.subarray(0, 1)), "r");
    } finally {
      xs.xs_close(req);
      xs.xs_close(rep);
      xs.xs_term(ctx);
    }
  });

  test(`REQ load-balances its requests across REPs over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1, REQ): outbound round-robin; (§4.3, lb) moving on after
    // each whole message.
    await using ctx = new Context();
    using a = ctx.socket("REP"), b = ctx.socket("REP"), req = ctx.socket("REQ");
    await a.bind(scratchEndpoint(scheme));
    await b.bind(scratchEndpoint(scheme));
    await req.connect(a.lastEndpoint);
    await req.connect(b.lastEndpoint);
    const who: number[] = [];
    for (let i = 0; i < 6; i++) {
      await req.send(`r${i}`);
      const [k, m] = await firstOf([a, b]);
      assert.equal(str(m), `r${i}`);
      who.push(k);
      await [a, b][k]!.send(`ok${i}`);
      assert.equal(str(await req.receive({ timeout: 5000 })), `ok${i}`);
    }
    // Strict alternation between the two REPs.
    for (let i = 2; i < 6; i++) assert.equal(who[i], who[i - 2]);
    assert.notEqual(who[0], who[1]);
  });

  test(`REP fair-queues requests and answers each along its own route over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1, REP): inbound fair-queued; (§4.7) each reply follows
    // the route its request came by.
    await using ctx = new Context();
    using rep = ctx.socket("REP"), d1 = ctx.socket("DEALER"), d2 = ctx.socket("DEALER");
    await rep.bind(scratchEndpoint(scheme));
    await d1.connect(rep.lastEndpoint);
    await d2.connect(rep.lastEndpoint);
    // DEALER clients of REP send the empty delimiter themselves (docs/behaviour.md §8 trap 19).
    for (let i = 0; i < 3; i++) {
      await d1.send(["", "a", `${i}`]);
      await d2.send(["", "b", `${i}`]);
    }
    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = str(await rep.receive({ timeout: 5000 }));
      got.push(m);
      await rep.send(["re", m]);
    }
    assert.deepEqual(got.filter((x) => x[0] === "a"), ["a|0", "a|1", "a|2"]);
    assert.deepEqual(got.filter((x) => x[0] === "b"), ["b|0", "b|1", "b|2"]);
    if (scheme === "inproc") assert.deepEqual(got, ["a|0", "b|0", "a|1", "b|1", "a|2", "b|2"]);
    for (const [d, tag] of [[d1, "a"], [d2, "b"]] as const) {
      for (let i = 0; i < 3; i++) {
        assert.equal(str(await d.receive({ timeout: 5000 })), `|re|${tag}|${i}`);
      }
    }
  });

  test(`REQ drops replies with a broken envelope over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, REQ): a reply has to begin with an empty part with MORE;
    // a reply that does not is thrown away whole and the receive reports EAGAIN (a blocking
    // receive goes on waiting).
    await using ctx = new Context();
    using router = ctx.socket("ROUTER"), req = ctx.socket("REQ");
    await router.bind(scratchEndpoint(scheme));
    await req.connect(router.lastEndpoint);
    await req.send("q");
    const request = await router.receive({ timeout: 5000 });
    const id = request[0]!, delim = request[1]!, body = request[2];
    assert.equal(delim.length, 0);
    assert.equal(dec.decode(body), "q");
    await router.send([id, "no delimiter"]);
    await router.send([id, ""]); // delimiter without a body
    await router.send([id, "x", "", "body"]); // delimiter not first
    await router.send([id, "", "good", "reply"]);
    assert.equal(str(await req.receive({ timeout: 5000 })), "good|reply");
    // The broken replies are gone and REQ is ready again.
    await req.send("q2");
    const again = await router.receive({ timeout: 5000 });
    assert.equal(str(again.slice(1)), "|q2");
    assert.equal(req.tryReceive(), null);
  });

  test(`REP drops a request without an empty delimiter over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, REP; §8 trap 19): a request without an empty part
    // (upstream asserts) is dropped whole.
    await using ctx = new Context();
    using rep = ctx.socket("REP"), dealer = ctx.socket("DEALER");
    await rep.bind(scratchEndpoint(scheme));
    await dealer.connect(rep.lastEndpoint);
    await dealer.send(["no", "delimiter"]);
    await dealer.send([""]); // delimiter, no body
    await dealer.send(["", "fine"]);
    assert.equal(str(await rep.receive({ timeout: 5000 })), "fine");
    await rep.send("answer");
    assert.equal(str(await dealer.receive({ timeout: 5000 })), "|answer");
  });

  test(`REQ blocks with no peer and a failed send keeps its state over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §8 traps 6, 8): a failed send keeps the state; a REQ that
    // only bound waits while no peer is there; §4.1, REQ: at the HWM a send waits.
    await using ctx = new Context();
    using req = ctx.socket("REQ"), rep = ctx.socket("REP");
    await req.bind(scratchEndpoint(scheme));
    assert.equal(req.trySend("x"), false);
    await assert.rejects(req.send("x", { timeout: 50 }), isCode("EAGAIN"));
    // Still ready: receiving is out of turn.
    assert.throws(() => req.tryReceive(), isCode("EFSM"));
    await rep.connect(req.lastEndpoint);
    await req.send("now", { timeout: 5000 });
    assert.equal(str(await rep.receive({ timeout: 5000 })), "now");
  });

  test(`REP never blocks: a reply to a full peer is dropped over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1, REP): at the HWM a reply is dropped; (§4.7) a reply is
    // dropped when its peer is gone or full.
    await using ctx = new Context();
    using rep = ctx.socket("REP", { sndhwm: 1 }),
      dealer = ctx.socket("DEALER", { rcvhwm: 1, linger: 0 });
    await rep.bind(scratchEndpoint(scheme));
    await dealer.connect(rep.lastEndpoint);
    const N = 50;
    for (let i = 0; i < N; i++) await dealer.send(["", `${i}`]);
    for (let i = 0; i < N; i++) {
      await rep.receive({ timeout: 5000 });
      assert.equal(rep.trySend(`re${i}`), true);
    }
    let n = 0;
    while (await dealer.receive({ timeout: 200 }).then(() => true, () => false)) n++;
    // inproc: capacity is the binder's SNDHWM + the connector's RCVHWM = 2.
    if (scheme === "inproc") assert.equal(n, 2);
    else assert.ok(n >= 1 && n <= N, `${n} replies arrived`);
  });
}
