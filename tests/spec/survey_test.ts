/**
 * Spec tests of the survey pattern — SURVEYOR, RESPONDENT, XSURVEYOR, XRESPONDENT —
 * through the public faces only (docs/behaviour.md §3 XS_SURVEY_TIMEOUT, §4.1, §4.8,
 * §10 item 5; docs/upstream-tests.md §4.6, survey). Each case states the rule it checks
 * and runs over inproc, ipc and tcp.
 *
 * Over tcp and ipc the side that must not lose the first message connects (its pipe
 * exists at once and queues), the other side binds: a bound SURVEYOR drops surveys sent
 * before a connection was accepted, as upstream does.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, texts as text, TRANSPORTS, waitFor } from "../_harness.ts";
import { Context, type Socket, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** Asserts that `p` rejects with an XsError of `code`. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof XsError && e.code === code);
}

/** Waits until `s` reports POLLIN (a response to the current survey is queued). */
function readable(s: Socket, what: string): Promise<void> {
  return waitFor(() => s.readable, 5_000, what);
}

/** A SURVEYOR connected to `n` RESPONDENTs that bound (tcp/ipc) or to inproc names. */
async function surveyorWith(
  ctx: Context,
  scheme: (typeof TRANSPORTS)[number],
  n: number,
  type = "SURVEYOR",
) {
  const respondents: Socket[] = [];
  const surveyor = ctx.socket(type as "SURVEYOR");
  for (let i = 0; i < n; i++) {
    const r = ctx.socket("RESPONDENT");
    respondents.push(r);
    await r.bind(scratchEndpoint(scheme));
    await surveyor.connect(r.lastEndpoint);
  }
  return { surveyor, respondents };
}

for (const scheme of TRANSPORTS) {
  test(`SURVEYOR receive before any survey fails with EFSM over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): a receive before any survey fails with EFSM.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    using _s = surveyor, _r = respondents[0];
    await rejectsWith(surveyor.receive({ timeout: 100 }), "EFSM");
    assert.throws(
      () => surveyor.tryReceive(),
      (e: unknown) => e instanceof XsError && e.code === "EFSM",
    );
    assert.equal(surveyor.readable, false);
  });

  test(`RESPONDENT send before receiving a survey fails with EFSM, and receive in reply state too, over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): a RESPONDENT send outside reply state and a receive in reply
    // state both fail with EFSM.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    const r = respondents[0]!;
    using _s = surveyor, _r = r;
    await rejectsWith(r.send("early"), "EFSM");
    assert.throws(
      () => r.trySend("early"),
      (e: unknown) => e instanceof XsError && e.code === "EFSM",
    );
    await surveyor.send("Q");
    assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["Q"]);
    await rejectsWith(r.receive({ timeout: 100 }), "EFSM");
    await r.send("A");
    await rejectsWith(r.send("again"), "EFSM");
  });

  test(`SURVEYOR and RESPONDENT refuse multi-part messages with EINVAL over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): SURVEYOR and RESPONDENT refuse a send with MORE / XS_SNDMORE
    // with EINVAL.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    const r = respondents[0]!;
    using _s = surveyor, _r = r;
    await rejectsWith(surveyor.send(["a", "b"]), "EINVAL");
    await rejectsWith(surveyor.receive({ timeout: 100 }), "EFSM"); // no survey was started
    surveyor.surveyTimeout = 0;
    await surveyor.send("Q");
    assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["Q"]);
    await rejectsWith(r.send(["a", "b"]), "EINVAL");
    // Still in reply state: a single-part reply goes through.
    await r.send("A");
    assert.deepEqual(text(await surveyor.receive({ timeout: 5_000 })), ["A"]);
  });

  test(`SURVEYOR with SNDMORE fails with EINVAL at the first part over ${scheme} (C face)`, () => {
    // SHALL (docs/behaviour.md §4.8): a SURVEYOR send with XS_SNDMORE fails with EINVAL; upstream
    // fails the very xs_send that carries SNDMORE.
    const ctx = xs.xs_init();
    const r = xs.xs_socket(ctx, xs.XS_RESPONDENT)!, sv = xs.xs_socket(ctx, xs.XS_SURVEYOR)!;
    try {
      assert.ok(xs.xs_bind(r, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(sv, xs.xs_last_endpoint(r)!) >= 0);
      assert.equal(xs.xs_send(sv, enc.encode("a"), 1, xs.XS_SNDMORE), -1);
      assert.equal(xs.xs_errno(), xs.EINVAL);
      // Nothing half-sent lingers: a single-part survey still works.
      assert.equal(xs.xs_send(sv, enc.encode("b"), 1, 0), 1);
    } finally {
      xs.xs_close(sv);
      xs.xs_close(r);
      xs.xs_term(ctx);
    }
  });

  test(`XS_SURVEY_TIMEOUT on a type other than SURVEYOR fails with ENOTSUP over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §3): XS_SURVEY_TIMEOUT on a type other than SURVEYOR fails with
    // ENOTSUP, before any size check, on set and on get.
    const ctx = xs.xs_init();
    const socks = [xs.XS_XSURVEYOR, xs.XS_RESPONDENT, xs.XS_XRESPONDENT, xs.XS_PUSH].map((t) =>
      xs.xs_socket(ctx, t)!
    );
    try {
      for (const s of socks) {
        assert.ok(xs.xs_bind(s, scratchEndpoint(scheme)) >= 0);
        assert.equal(xs.xs_setsockopt(s, xs.XS_SURVEY_TIMEOUT, new Int32Array([100]), 4), -1);
        assert.equal(xs.xs_errno(), xs.ENOTSUP);
        assert.equal(xs.xs_setsockopt(s, xs.XS_SURVEY_TIMEOUT, new Int32Array([100, 0]), 8), -1);
        assert.equal(xs.xs_errno(), xs.ENOTSUP);
        const v = new Int32Array(1), len = { value: 4 };
        assert.equal(xs.xs_getsockopt(s, xs.XS_SURVEY_TIMEOUT, v, len), -1);
        assert.equal(xs.xs_errno(), xs.ENOTSUP);
      }
      const sv = xs.xs_socket(ctx, xs.XS_SURVEYOR)!;
      const v = new Int32Array(1), len = { value: 4 };
      assert.equal(xs.xs_getsockopt(sv, xs.XS_SURVEY_TIMEOUT, v, len), 0);
      assert.equal(v[0], -1, "default -1");
      assert.equal(xs.xs_setsockopt(sv, xs.XS_SURVEY_TIMEOUT, new Int32Array([100, 0]), 8), -1);
      assert.equal(xs.xs_errno(), xs.EINVAL);
      assert.equal(xs.xs_close(sv), 0);
    } finally {
      for (const s of socks) xs.xs_close(s);
      xs.xs_term(ctx);
    }
    await using c2 = new Context();
    using x = c2.socket("XSURVEYOR");
    assert.throws(
      () => x.surveyTimeout = 5,
      (e: unknown) => e instanceof XsError && e.code === "ENOTSUP",
    );
    assert.throws(
      () => x.surveyTimeout,
      (e: unknown) => e instanceof XsError && e.code === "ENOTSUP",
    );
  });

  test(`SURVEYOR with the default survey timeout -1 fails with ETIMEDOUT at once over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8, §10 item 5): with a negative timeout, the default −1 included,
    // the deadline has already passed: a receive returns a queued response, else fails with
    // ETIMEDOUT at once.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    const r = respondents[0]!;
    using _s = surveyor, _r = r;
    await surveyor.send("Q");
    let t0 = performance.now();
    await rejectsWith(surveyor.receive({ timeout: 2_000 }), "ETIMEDOUT");
    assert.ok(performance.now() - t0 < 50, `took ${performance.now() - t0} ms`);
    // Past the deadline with nothing queued: no POLLIN (upstream aborts here).
    assert.equal(surveyor.readable, false);
    // A response already queued is still returned after the deadline.
    assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["Q"]);
    await r.send("late but current");
    await readable(surveyor, "the response at the SURVEYOR");
    assert.deepEqual(text(await surveyor.receive({ timeout: 2_000 })), ["late but current"]);
    t0 = performance.now();
    assert.throws(
      () => surveyor.tryReceive(),
      (e: unknown) => e instanceof XsError && e.code === "ETIMEDOUT",
    );
  });

  test(`SURVEYOR with the default survey timeout fails with ETIMEDOUT at once over ${scheme} (C face)`, () => {
    const ctx = xs.xs_init();
    const r = xs.xs_socket(ctx, xs.XS_RESPONDENT)!, sv = xs.xs_socket(ctx, xs.XS_SURVEYOR)!;
    try {
      assert.equal(xs.xs_setsockopt(sv, xs.XS_RCVTIMEO, 2000), 0);
      assert.ok(xs.xs_bind(r, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(sv, xs.xs_last_endpoint(r)!) >= 0);
      assert.equal(xs.xs_send(sv, enc.encode("Q"), 1, 0), 1);
      const w = xs.xs_stopwatch_start();
      assert.equal(xs.xs_recv(sv, new Uint8Array(8), 8, 0), -1);
      assert.equal(xs.xs_errno(), xs.ETIMEDOUT);
      assert.ok(xs.xs_stopwatch_stop(w) < 50_000);
      const items = [{ socket: sv, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
      assert.equal(xs.xs_poll(items, 1, 0), 0);
    } finally {
      xs.xs_close(sv);
      xs.xs_close(r);
      xs.xs_term(ctx);
    }
  });

  test(`SURVEYOR with survey timeout 0 has no deadline and waits per rcvtimeo over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): timeout 0 means no deadline; a receive waits as XS_RCVTIMEO
    // says.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    const r = respondents[0]!;
    using _s = surveyor, _r = r;
    surveyor.surveyTimeout = 0;
    await surveyor.send("Q");
    const t0 = performance.now();
    await rejectsWith(surveyor.receive({ timeout: 200 }), "EAGAIN");
    const took = performance.now() - t0;
    assert.ok(took > 150 && took < 700, `took ${took} ms`);
    assert.equal(surveyor.tryReceive(), null);
    // A response much later than any deadline would be still counts.
    assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["Q"]);
    await r.send("A");
    assert.deepEqual(text(await surveyor.receive({ timeout: 5_000 })), ["A"]);
  });

  test(`SURVEYOR survey timeout 0 with XS_RCVTIMEO gives EAGAIN over ${scheme} (C face)`, () => {
    const ctx = xs.xs_init();
    const r = xs.xs_socket(ctx, xs.XS_RESPONDENT)!, sv = xs.xs_socket(ctx, xs.XS_SURVEYOR)!;
    try {
      assert.equal(xs.xs_setsockopt(sv, xs.XS_SURVEY_TIMEOUT, 0), 0);
      assert.equal(xs.xs_setsockopt(sv, xs.XS_RCVTIMEO, 200), 0);
      assert.ok(xs.xs_bind(r, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(sv, xs.xs_last_endpoint(r)!) >= 0);
      assert.equal(xs.xs_send(sv, enc.encode("Q"), 1, 0), 1);
      const w = xs.xs_stopwatch_start();
      assert.equal(xs.xs_recv(sv, new Uint8Array(8), 8, 0), -1);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      const ms = xs.xs_stopwatch_stop(w) / 1000;
      assert.ok(ms > 150 && ms < 700, `took ${ms} ms`);
    } finally {
      xs.xs_close(sv);
      xs.xs_close(r);
      xs.xs_term(ctx);
    }
  });

  test(`SURVEYOR with a 100 ms survey timeout fails with ETIMEDOUT within (50, 600) ms over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): with a positive timeout the deadline is the send time plus
    // the value; a blocking receive waits until then and fails with ETIMEDOUT; time bound
    // (50, 600) from upstream tests/survey.cpp (docs/upstream-tests.md §3.22).
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    const r = respondents[0]!;
    using _s = surveyor, _r = r;
    surveyor.surveyTimeout = 100;
    await surveyor.send("Q");
    const t0 = performance.now();
    await rejectsWith(surveyor.receive(), "ETIMEDOUT");
    const took = performance.now() - t0;
    assert.ok(took > 50 && took < 600, `took ${took} ms`);
    // A shorter rcvtimeo ends the wait first, with EAGAIN.
    surveyor.surveyTimeout = 1_000;
    await surveyor.send("Q2");
    await rejectsWith(surveyor.receive({ timeout: 50 }), "EAGAIN");
  });

  test(`SURVEYOR with a 100 ms survey timeout fails with ETIMEDOUT within (50, 600) ms over ${scheme} (C face)`, () => {
    const ctx = xs.xs_init();
    const r = xs.xs_socket(ctx, xs.XS_RESPONDENT)!, sv = xs.xs_socket(ctx, xs.XS_SURVEYOR)!;
    try {
      assert.equal(xs.xs_setsockopt(sv, xs.XS_SURVEY_TIMEOUT, 100), 0);
      assert.ok(xs.xs_bind(r, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(sv, xs.xs_last_endpoint(r)!) >= 0);
      assert.equal(xs.xs_send(sv, enc.encode("Q"), 1, 0), 1);
      let w = xs.xs_stopwatch_start();
      assert.equal(xs.xs_recv(sv, new Uint8Array(8), 8, 0), -1);
      assert.equal(xs.xs_errno(), xs.ETIMEDOUT);
      const ms = xs.xs_stopwatch_stop(w) / 1000;
      assert.ok(ms > 50 && ms < 600, `took ${ms} ms`);
      // RCVTIMEO shorter than the deadline: EAGAIN when it expires.
      assert.equal(xs.xs_setsockopt(sv, xs.XS_SURVEY_TIMEOUT, 1000), 0);
      assert.equal(xs.xs_setsockopt(sv, xs.XS_RCVTIMEO, 50), 0);
      assert.equal(xs.xs_send(sv, enc.encode("Q"), 1, 0), 1);
      w = xs.xs_stopwatch_start();
      assert.equal(xs.xs_recv(sv, new Uint8Array(8), 8, 0), -1);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      assert.ok(xs.xs_stopwatch_stop(w) / 1000 < 600);
    } finally {
      xs.xs_close(sv);
      xs.xs_close(r);
      xs.xs_term(ctx);
    }
  });

  test(`SURVEYOR drops a response to an older survey over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): only a response whose first part is the current 4-byte id,
    // with MORE, counts; any other is dropped whole.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 1);
    const r = respondents[0]!;
    using _s = surveyor, _r = r;
    surveyor.surveyTimeout = 0;
    await surveyor.send("old");
    assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["old"]);
    await surveyor.send("new");
    await r.send("answer to old");
    assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["new"]);
    await r.send("answer to new");
    assert.deepEqual(text(await surveyor.receive({ timeout: 5_000 })), ["answer to new"]);
    await rejectsWith(surveyor.receive({ timeout: 100 }), "EAGAIN");
  });

  test(`XSURVEYOR fans a message out to every respondent over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): XSURVEYOR sends to every peer, fair-queues what comes back,
    // and adds no envelope.
    await using ctx = new Context();
    const { surveyor: x, respondents } = await surveyorWith(ctx, scheme, 3, "XSURVEYOR");
    using _x = x, _a = respondents[0], _b = respondents[1], _c = respondents[2];
    await x.send(["ID04", "hello"]);
    for (const r of respondents) {
      assert.deepEqual(text(await r.receive({ timeout: 5_000 })), ["hello"]);
      await r.send("back");
    }
    // Responses come back with the route the respondent kept, fair-queued.
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(text(await x.receive({ timeout: 5_000 })), ["ID04", "back"]);
    }
  });

  test(`SURVEYOR collects the responses of two respondents to one survey over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): every send starts a new survey, sent to every peer; responses
    // are fair-queued.
    await using ctx = new Context();
    const { surveyor, respondents } = await surveyorWith(ctx, scheme, 2);
    const a = respondents[0]!, b = respondents[1]!;
    using _s = surveyor, _a = a, _b = b;
    surveyor.surveyTimeout = 5_000;
    await surveyor.send("who?");
    assert.deepEqual(text(await a.receive({ timeout: 5_000 })), ["who?"]);
    assert.deepEqual(text(await b.receive({ timeout: 5_000 })), ["who?"]);
    await a.send("a");
    await b.send("b");
    const got = [text(await surveyor.receive()), text(await surveyor.receive())].flat().sort();
    assert.deepEqual(got, ["a", "b"]);
  });

  test(`XRESPONDENT prefixes 4-byte peer ids and routes by them over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.8): XRESPONDENT routes like XREP with 4-byte big-endian u32 ids
    // (random start) and no identity frames; an outgoing first part that is not exactly 4
    // bytes with MORE is dropped and the next part tried; an unknown id drops the message.
    await using ctx = new Context();
    using xr = ctx.socket("XRESPONDENT"), s1 = ctx.socket("SURVEYOR"), s2 = ctx.socket("SURVEYOR");
    await xr.bind(scratchEndpoint(scheme));
    s1.surveyTimeout = 0;
    s2.surveyTimeout = 0;
    await s1.connect(xr.lastEndpoint);
    await s1.send("one");
    const m1 = await xr.receive({ timeout: 5_000 });
    await s2.connect(xr.lastEndpoint);
    await s2.send("two");
    const m2 = await xr.receive({ timeout: 5_000 });
    assert.equal(m1.length, 3);
    assert.equal(m1[0]!.length, 4);
    assert.equal(m1[1]!.length, 4);
    assert.equal(dec.decode(m1[2]), "one");
    assert.equal(dec.decode(m2[2]), "two");
    const id = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
    assert.equal(id(m2[0]!), (id(m1[0]!) + 1) >>> 0, "ids count up per pipe");
    // Malformed leading parts are skipped; the first 4-byte part followed by more routes.
    await xr.send([enc.encode("12345"), m2[0]!, m2[1]!, enc.encode("to two")]);
    // An unknown id and a bare id are dropped.
    const unknown = new Uint8Array(4);
    new DataView(unknown.buffer).setUint32(0, (id(m2[0]!) + 7) >>> 0);
    await xr.send([unknown, m1[1]!, enc.encode("lost")]);
    await xr.send([m1[0]!]);
    await xr.send([m1[0]!, m1[1]!, enc.encode("to one")]);
    assert.deepEqual(text(await s2.receive({ timeout: 5_000 })), ["to two"]);
    assert.deepEqual(text(await s1.receive({ timeout: 5_000 })), ["to one"]);
    await rejectsWith(s1.receive({ timeout: 100 }), "EAGAIN");
  });
}

test("XRESPONDENT drops a peer's unread surveys when it disconnects", async () => {
  // SHALL (docs/behaviour.md §4.1): XRESPONDENT and RESPONDENT drop a peer's unread surveys as soon
  // as it disconnects (other types keep what a departed peer sent readable).
  await using ctx = new Context();
  using xr = ctx.socket("XRESPONDENT"), r = ctx.socket("RESPONDENT");
  const s1 = ctx.socket("SURVEYOR"), s2 = ctx.socket("SURVEYOR");
  await xr.bind("inproc://survey-disconnect-x");
  await r.bind("inproc://survey-disconnect-r");
  await s1.connect("inproc://survey-disconnect-x");
  await s2.connect("inproc://survey-disconnect-r");
  await s1.send("unread");
  await s2.send("unread");
  await waitFor(
    () => xr.readable && r.readable,
    5_000,
    "surveys queued",
  );
  s1.close();
  s2.close();
  assert.equal(xr.tryReceive(), null);
  assert.equal(r.tryReceive(), null);
});

for (const scheme of ["ipc", "tcp"] as const) {
  for (const type of ["SURVEYOR", "XSURVEYOR"] as const) {
    test(`${type} discards unsent surveys at close whatever the linger over ${scheme}`, async () => {
      // SHALL (docs/behaviour.md §4.1): SURVEYOR and XSURVEYOR discard unsent surveys at close,
      // whatever the linger.
      const ctx = new Context();
      const gone = ctx.socket("RESPONDENT");
      await gone.bind(scratchEndpoint(scheme));
      const ep = gone.lastEndpoint;
      gone.close();
      const s = ctx.socket(type);
      assert.equal(s.linger, -1);
      await s.connect(ep); // nobody listens: the survey stays queued
      await s.send(type === "SURVEYOR" ? "Q" : ["ID04", "Q"]);
      s.close();
      const t0 = performance.now();
      await ctx.term();
      assert.ok(performance.now() - t0 < 2_000, `term took ${performance.now() - t0} ms`);
    });
  }
}
