/**
 * Tests of the Crossroads C face (`xs.ts`): return conventions, errno, messages,
 * options, context options, multi-part sends, polling and the stopwatch, with the
 * xs_sendmsg(3) man-page example translated line by line.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** A PUSH connected to a bound PULL over `scheme`; every receive bounded by RCVTIMEO. */
function pushPull(
  scheme: "inproc" | "ipc" | "tcp",
  opts: { sndhwm?: number; rcvhwm?: number } = {},
) {
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 2000), 0);
  if (opts.rcvhwm !== undefined) assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVHWM, opts.rcvhwm), 0);
  if (opts.sndhwm !== undefined) assert.equal(xs.xs_setsockopt(push, xs.XS_SNDHWM, opts.sndhwm), 0);
  assert.ok(xs.xs_bind(pull, scratchEndpoint(scheme)) >= 0, xs.xs_strerror(xs.xs_errno()));
  assert.ok(xs.xs_connect(push, xs.xs_last_endpoint(pull)!) >= 0);
  const done = () => {
    xs.xs_close(push);
    xs.xs_close(pull);
    assert.equal(xs.xs_term(ctx), 0);
  };
  return { ctx, pull, push, done };
}

function recvString(s: xs.XsSocket, flags = 0): string | null {
  const buf = new Uint8Array(256);
  const n = xs.xs_recv(s, buf, buf.length, flags);
  return n < 0 ? null : dec.decode(buf.subarray(0, n));
}

function rcvmore(s: xs.XsSocket): number {
  const v = new Int32Array(1), len = { value: 4 };
  assert.equal(xs.xs_getsockopt(s, xs.XS_RCVMORE, v, len), 0);
  assert.equal(len.value, 4);
  return v[0]!;
}

test("xs_version reports 1.2.0 through holders", () => {
  const a = { value: 0 }, b = { value: 9 }, c = { value: 9 };
  xs.xs_version(a, b, c);
  assert.deepEqual([a.value, b.value, c.value], [1, 2, 0]);
  assert.equal(xs.XS_VERSION, 10200);
});

test("errno constants have Linux and XS_HAUSNUMERO values and xs_strerror texts", () => {
  assert.equal(xs.EAGAIN, 11);
  assert.equal(xs.EFAULT, 14);
  assert.equal(xs.EINVAL, 22);
  assert.equal(xs.EMFILE, 24);
  assert.equal(xs.ENOTSOCK, 88);
  assert.equal(xs.EPROTONOSUPPORT, 93);
  assert.equal(xs.ENOTSUP, 95);
  assert.equal(xs.EFSM, 156384763);
  assert.equal(xs.ENOCOMPATPROTO, 156384764);
  assert.equal(xs.ETERM, 156384765);
  assert.equal(xs.EMTHREAD, 156384766);
  assert.equal(xs.xs_strerror(xs.ETERM), "Context was terminated");
  assert.equal(xs.xs_strerror(xs.EAGAIN), "Resource temporarily unavailable");
  assert.equal(xs.xs_strerror(xs.EMTHREAD), "Unknown error 156384766");
  assert.equal(xs.XS_ROUTER, xs.XS_XREP);
  assert.equal(xs.XS_DEALER, xs.XS_XREQ);
});

for (const scheme of TRANSPORTS) {
  test(`xs_sendmsg(3) example over ${scheme}: byte count, empty message, multi-part`, () => {
    const { pull, push, done } = pushPull(scheme);
    try {
      // Create a new message, allocating 6 bytes for message content
      const msg = new xs.xs_msg_t();
      let rc = xs.xs_msg_init_size(msg, 6);
      assert.equal(rc, 0);
      // Fill in message content with 'AAAAAA'
      xs.xs_msg_data(msg).fill(0x41);
      // Send the message to the socket
      rc = xs.xs_sendmsg(push, msg, 0);
      assert.equal(rc, 6);
      // After a successful send the message is a valid empty message
      assert.equal(xs.xs_msg_size(msg), 0);
      assert.equal(recvString(pull), "AAAAAA");
      assert.equal(rcvmore(pull), 0);

      // Send a multi-part message consisting of three parts to socket
      const part1 = new xs.xs_msg_t(), part2 = new xs.xs_msg_t(), part3 = new xs.xs_msg_t();
      for (const [m, t] of [[part1, "one"], [part2, "two"], [part3, "three"]] as const) {
        xs.xs_msg_init_size(m, t.length);
        xs.xs_msg_data(m).set(enc.encode(t));
      }
      rc = xs.xs_sendmsg(push, part1, xs.XS_SNDMORE);
      assert.equal(rc, 3);
      rc = xs.xs_sendmsg(push, part2, xs.XS_SNDMORE);
      assert.equal(rc, 3);
      // Parts sent with SNDMORE stay invisible until the last part is sent.
      assert.equal(xs.xs_recv(pull, new Uint8Array(8), 8, xs.XS_DONTWAIT), -1);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      // Final part; no more parts to follow
      rc = xs.xs_sendmsg(push, part3, 0);
      assert.equal(rc, 5);

      const m = new xs.xs_msg_t();
      xs.xs_msg_init(m);
      const more = new Int32Array(1), len = { value: 4 };
      const got: string[] = [];
      for (;;) {
        assert.ok(xs.xs_recvmsg(pull, m, 0) >= 0);
        got.push(dec.decode(xs.xs_msg_data(m)));
        assert.equal(xs.xs_getmsgopt(m, xs.XS_MORE, more, len), 0);
        assert.equal(more[0], rcvmore(pull));
        if (!more[0]) break;
      }
      assert.deepEqual(got, ["one", "two", "three"]);
      for (const x of [msg, part1, part2, part3, m]) assert.equal(xs.xs_msg_close(x), 0);
    } finally {
      done();
    }
  });
}

test("xs_sendmsg with XS_DONTWAIT on a full queue fails EAGAIN and leaves the message", () => {
  // SHALL (xs_sendmsg(3), docs/behaviour.md §2.4): on failure the message is untouched and
  // still the caller's.
  const { pull, push, done } = pushPull("inproc", { sndhwm: 1, rcvhwm: 1 });
  try {
    const msg = new xs.xs_msg_t();
    let sent = 0;
    for (;;) {
      xs.xs_msg_init_size(msg, 6);
      const rc = xs.xs_sendmsg(push, msg, xs.XS_DONTWAIT);
      if (rc === -1) break;
      assert.equal(rc, 6);
      sent++;
      assert.ok(sent < 10);
    }
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    assert.equal(sent, 2);
    assert.equal(xs.xs_msg_size(msg), 6);
    // The first part of a multi-part message fails the same way, and nothing arrives.
    assert.equal(xs.xs_sendmsg(push, msg, xs.XS_DONTWAIT | xs.XS_SNDMORE), -1);
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    // SNDTIMEO expiry is EAGAIN too.
    assert.equal(xs.xs_setsockopt(push, xs.XS_SNDTIMEO, 50), 0);
    const w = xs.xs_stopwatch_start();
    assert.equal(xs.xs_sendmsg(push, msg, 0), -1);
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    assert.ok(xs.xs_stopwatch_stop(w) >= 40_000);
    assert.equal(xs.xs_recv(pull, null, 0, 0), 6);
    assert.equal(xs.xs_sendmsg(push, msg, xs.XS_DONTWAIT), 6);
    xs.xs_msg_close(msg);
  } finally {
    done();
  }
});

test("xs_send on PULL fails ENOTSUP, also for a first part with XS_SNDMORE; xs_recv on PUSH too", () => {
  const { pull, push, done } = pushPull("inproc");
  try {
    assert.equal(xs.xs_send(pull, enc.encode("x"), 1, 0), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_send(pull, enc.encode("x"), 1, xs.XS_SNDMORE), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_recv(push, null, 0, 0), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
  } finally {
    done();
  }
});

test("calls on a closed socket fail ENOTSOCK, on a terminated context ETERM", () => {
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PUSH)!, t = xs.xs_socket(ctx, xs.XS_PULL)!;
  assert.equal(xs.xs_close(s), 0);
  assert.equal(xs.xs_send(s, null, 0, 0), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  assert.equal(xs.xs_close(s), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  assert.equal(xs.xs_bind(null, "inproc://x"), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  assert.equal(xs.xs_setsockopt({} as xs.XsSocket, xs.XS_LINGER, 0), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  // xs_term with `t` still open: calls on it fail ETERM, xs_close still succeeds.
  assert.equal(xs.xs_term(ctx), 0);
  const msg = new xs.xs_msg_t();
  xs.xs_msg_init(msg);
  assert.equal(xs.xs_recvmsg(t, msg, 0), -1);
  assert.equal(xs.xs_errno(), xs.ETERM);
  assert.equal(xs.xs_sendmsg(t, msg, 0), -1);
  assert.equal(xs.xs_errno(), xs.ETERM);
  assert.equal(xs.xs_close(t), 0);
  assert.equal(xs.xs_msg_close(msg), 0);
  assert.equal(xs.xs_term(ctx), -1);
  assert.equal(xs.xs_errno(), xs.EFAULT);
});

test("xs_sendmsg and xs_recvmsg on an uninitialised or closed message fail EFAULT", () => {
  const { pull, push, done } = pushPull("inproc");
  try {
    const msg = new xs.xs_msg_t();
    assert.equal(xs.xs_sendmsg(push, msg, 0), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    xs.xs_msg_init(msg);
    xs.xs_msg_close(msg);
    assert.equal(xs.xs_sendmsg(push, msg, 0), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    assert.equal(xs.xs_recvmsg(pull, msg, xs.XS_DONTWAIT), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    assert.equal(xs.xs_msg_close(msg), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    assert.throws(() => xs.xs_msg_data(msg), TypeError);
    assert.throws(() => xs.xs_msg_size(msg), TypeError);
  } finally {
    done();
  }
});

test("xs_recv truncates to len and returns the full size", () => {
  // SHALL (docs/behaviour.md §8 trap 2): copies min(len, size) bytes, returns the full size.
  const { pull, push, done } = pushPull("inproc");
  try {
    assert.equal(xs.xs_send(push, enc.encode("0123456789"), 10, 0), 10);
    const buf = new Uint8Array(8).fill(0xff);
    assert.equal(xs.xs_recv(pull, buf, 4, 0), 10);
    assert.deepEqual([...buf], [0x30, 0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff]);
    // len may be smaller than buf.length; len 0 and a null buffer work too
    assert.equal(xs.xs_send(push, null, 0, 0), 0);
    assert.equal(xs.xs_recv(pull, null, 0, 0), 0);
  } finally {
    done();
  }
});

test("a receive failing EAGAIN empties the message passed in (docs/behaviour.md §8 trap 3)", () => {
  const { pull, done } = pushPull("inproc");
  try {
    const msg = new xs.xs_msg_t();
    xs.xs_msg_init_size(msg, 5);
    assert.equal(xs.xs_recvmsg(pull, msg, xs.XS_DONTWAIT), -1);
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    assert.equal(xs.xs_msg_size(msg), 0);
    xs.xs_msg_close(msg);
  } finally {
    done();
  }
});

test("xs_msg_copy shares content, xs_msg_move empties the source", () => {
  const a = new xs.xs_msg_t(), b = new xs.xs_msg_t(), c = new xs.xs_msg_t();
  xs.xs_msg_init_size(a, 40);
  xs.xs_msg_init(b);
  assert.equal(xs.xs_msg_copy(b, a), 0);
  xs.xs_msg_data(a)[0] = 7;
  assert.equal(xs.xs_msg_data(b)[0], 7);
  assert.equal(xs.xs_msg_move(c, a), -1); // c is not initialised
  assert.equal(xs.xs_errno(), xs.EFAULT);
  xs.xs_msg_init(c);
  assert.equal(xs.xs_msg_move(c, a), 0);
  assert.equal(xs.xs_msg_size(a), 0);
  assert.equal(xs.xs_msg_size(c), 40);
  for (const m of [a, b, c]) assert.equal(xs.xs_msg_close(m), 0);
});

test("xs_msg_init_data calls the free function once: on close of the last copy, or after a send over tcp", () => {
  const calls: unknown[] = [];
  const data = enc.encode("payload");
  const a = new xs.xs_msg_t(), b = new xs.xs_msg_t();
  assert.equal(xs.xs_msg_init_data(a, data, 4, (d, hint) => calls.push([d, hint]), "h"), 0);
  assert.equal(dec.decode(xs.xs_msg_data(a)), "payl");
  assert.equal(xs.xs_msg_data(a).buffer, data.buffer); // no copy
  xs.xs_msg_init(b);
  xs.xs_msg_copy(b, a);
  xs.xs_msg_close(a);
  assert.equal(calls.length, 0);
  xs.xs_msg_close(b);
  assert.deepEqual(calls, [[data, "h"]]);

  // Over tcp the bytes are copied at the send (over inproc they are not: tests/xs/zero_copy_test.ts).
  const { pull, push, done } = pushPull("tcp");
  try {
    let freed = 0;
    const m = new xs.xs_msg_t();
    xs.xs_msg_init_data(m, data, data.length, () => freed++);
    assert.equal(xs.xs_sendmsg(push, m, 0), 7);
    assert.equal(freed, 1);
    data.fill(0); // the library no longer needs it
    assert.equal(recvString(pull), "payload");
    xs.xs_msg_close(m);
    assert.equal(freed, 1);
  } finally {
    done();
  }
});

test("xs_getmsgopt: EINVAL for another option or a short length", () => {
  const m = new xs.xs_msg_t();
  xs.xs_msg_init(m);
  const v = new Int32Array(1);
  assert.equal(xs.xs_getmsgopt(m, 2, v, { value: 4 }), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_getmsgopt(m, xs.XS_MORE, v, { value: 3 }), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  const len = { value: 16 };
  assert.equal(xs.xs_getmsgopt(m, xs.XS_MORE, new Int32Array(4), len), 0);
  assert.equal(len.value, 4);
  xs.xs_msg_close(m);
});

test("socket options: defaults, set/get round trips, optvallen checks and validation", () => {
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    const v = new Int32Array(1), len = { value: 4 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_SNDHWM, v, len), 0);
    assert.equal(v[0], 1000);
    assert.equal(xs.xs_getsockopt(s, xs.XS_TYPE, v, len), 0);
    assert.equal(v[0], xs.XS_PUSH);
    assert.equal(xs.xs_getsockopt(s, xs.XS_LINGER, v, len), 0);
    assert.equal(v[0], -1);
    // int: optvallen exactly 4
    assert.equal(xs.xs_setsockopt(s, xs.XS_SNDHWM, new Int32Array([5]), 4), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_SNDHWM, new Int32Array([5]), 8), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, xs.XS_SNDHWM, new Int32Array([-1]), 4), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_getsockopt(s, xs.XS_SNDHWM, v, len), 0);
    assert.equal(v[0], 5);
    // get: len < 4 → EINVAL; len is updated to the real size
    const big = { value: 100 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_SNDHWM, new Int32Array(25), big), 0);
    assert.equal(big.value, 4);
    assert.equal(xs.xs_getsockopt(s, xs.XS_SNDHWM, v, { value: 2 }), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    // 64-bit
    const a = new BigUint64Array(1), len8 = { value: 8 };
    assert.equal(xs.xs_setsockopt(s, xs.XS_AFFINITY, new BigUint64Array([3n]), 8), 0);
    assert.equal(xs.xs_getsockopt(s, xs.XS_AFFINITY, a, len8), 0);
    assert.equal(a[0], 3n);
    assert.equal(xs.xs_setsockopt(s, xs.XS_AFFINITY, new BigUint64Array([3n]), 4), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    const m = new BigInt64Array(1);
    assert.equal(xs.xs_getsockopt(s, xs.XS_MAXMSGSIZE, m, len8), 0);
    assert.equal(m[0], -1n);
    assert.equal(xs.xs_setsockopt(s, xs.XS_MAXMSGSIZE, 1024n), 0);
    assert.equal(xs.xs_getsockopt(s, xs.XS_MAXMSGSIZE, m, len8), 0);
    assert.equal(m[0], 1024n);
    // binary
    const id = new Uint8Array(255), idlen = { value: 255 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_IDENTITY, id, idlen), 0);
    assert.equal(idlen.value, 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, enc.encode("abc"), 3), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, "worker"), 0);
    idlen.value = 255;
    assert.equal(xs.xs_getsockopt(s, xs.XS_IDENTITY, id, idlen), 0);
    assert.equal(dec.decode(id.subarray(0, idlen.value)), "worker");
    assert.equal(xs.xs_getsockopt(s, xs.XS_IDENTITY, id, { value: 3 }), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, new Uint8Array([0, 1]), 2), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, new Uint8Array(0), 0), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    // booleans, get-only, unknown, type-specific
    assert.equal(xs.xs_setsockopt(s, xs.XS_IPV4ONLY, 2), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, xs.XS_TYPE, 1), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, 10, 1), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_getsockopt(s, 26, v, len), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, xs.XS_SURVEY_TIMEOUT, 1, 99), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_getsockopt(s, xs.XS_SURVEY_TIMEOUT, v, len), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_setsockopt(s, xs.XS_SUBSCRIBE, "a"), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    // XS_EVENTS: a bound-only PUSH has no peer → nothing
    assert.equal(xs.xs_getsockopt(s, xs.XS_EVENTS, v, len), 0);
    assert.equal(v[0], 0);
  } finally {
    xs.xs_close(s);
    xs.xs_term(ctx);
  }
});

test("max_sockets: with XS_MAX_SOCKETS 1 the second xs_socket fails EMFILE", () => {
  const ctx = xs.xs_init();
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_MAX_SOCKETS, new Int32Array([1]), 4), 0);
  const s1 = xs.xs_socket(ctx, xs.XS_PUSH);
  assert.ok(s1);
  assert.equal(xs.xs_socket(ctx, xs.XS_PUSH), null);
  assert.equal(xs.xs_errno(), xs.EMFILE);
  // Accepted and ignored after the first socket.
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_MAX_SOCKETS, 10), 0);
  assert.equal(xs.xs_socket(ctx, xs.XS_PUSH), null);
  assert.equal(xs.xs_errno(), xs.EMFILE);
  xs.xs_close(s1);
  assert.equal(xs.xs_term(ctx), 0);
});

test("emptyctx: xs_init followed by xs_term succeeds", () => {
  const ctx = xs.xs_init();
  assert.ok(ctx);
  assert.equal(xs.xs_term(ctx), 0);
});

test("context calls: EFAULT on a bad context, EINVAL on bad options, ETERM sockets after term", () => {
  assert.equal(xs.xs_term(null), -1);
  assert.equal(xs.xs_errno(), xs.EFAULT);
  assert.equal(xs.xs_socket(null, xs.XS_PUSH), null);
  assert.equal(xs.xs_errno(), xs.EFAULT);
  assert.equal(xs.xs_setctxopt({} as xs.XsContext, xs.XS_IO_THREADS, 1), -1);
  assert.equal(xs.xs_errno(), xs.EFAULT);
  const ctx = xs.xs_init();
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_IO_THREADS, new Int32Array([0]), 4), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_IO_THREADS, new Int32Array([2]), 2), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_MAX_SOCKETS, -1), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_setctxopt(ctx, 99, 1), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_IO_THREADS, new Int32Array([2]), 4), 0);
  assert.equal(xs.xs_socket(ctx, 99), null);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_term(ctx), 0);
});

test("bind and connect errors: EINVAL, EPROTONOSUPPORT, EADDRINUSE; shutdown ENOTSUP and EINVAL", () => {
  const ctx = xs.xs_init();
  const a = xs.xs_socket(ctx, xs.XS_PULL)!, b = xs.xs_socket(ctx, xs.XS_PULL)!;
  try {
    assert.equal(xs.xs_bind(a, "nonsense"), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_bind(a, "pgm://eth0;239.1.1.1:5555"), -1);
    assert.equal(xs.xs_errno(), xs.EPROTONOSUPPORT);
    assert.equal(xs.xs_connect(a, "foo://bar"), -1);
    assert.equal(xs.xs_errno(), xs.EPROTONOSUPPORT);
    const ep = scratchEndpoint("inproc");
    assert.equal(xs.xs_bind(a, ep), 0);
    assert.equal(xs.xs_bind(b, ep), -1);
    assert.equal(xs.xs_errno(), xs.EADDRINUSE);
    assert.equal(xs.xs_shutdown(a, 0), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_shutdown(a, 7), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
  } finally {
    xs.xs_close(a);
    xs.xs_close(b);
    xs.xs_term(ctx);
  }
});

test("xs_poll: POLLIN when a message waits, POLLOUT when a peer has room, bounded timeouts", () => {
  const { pull, push, done } = pushPull("inproc");
  try {
    const items: xs.xs_pollitem_t[] = [
      { socket: pull, fd: 0, events: xs.XS_POLLIN, revents: 99 },
      { socket: push, fd: 0, events: xs.XS_POLLIN | xs.XS_POLLOUT, revents: 0 },
      { socket: null, fd: 0, events: xs.XS_POLLIN, revents: 0 },
    ];
    assert.equal(xs.xs_poll(items, 3, 0), 1);
    assert.deepEqual(items.map((i) => i.revents), [0, xs.XS_POLLOUT, 0]);
    assert.equal(xs.xs_poll(items, 1, 0), 0);
    const w = xs.xs_stopwatch_start();
    assert.equal(xs.xs_poll(items, 1, 100), 0);
    const us = xs.xs_stopwatch_stop(w);
    assert.ok(us >= 90_000 && us < 1_000_000, `${us} µs`);
    xs.xs_send(push, enc.encode("x"), 1, 0);
    assert.equal(xs.xs_poll(items, 1, -1), 1);
    assert.equal(items[0]!.revents, xs.XS_POLLIN);
    assert.equal(xs.xs_poll(items, -1, 0), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_poll([], 0, 0), 0);
    // The second part of a message counts as POLLIN until handed out.
    xs.xs_send(push, enc.encode("a"), 1, xs.XS_SNDMORE);
    xs.xs_send(push, enc.encode("b"), 1, 0);
    assert.equal(recvString(pull), "x");
    assert.equal(recvString(pull), "a");
    assert.equal(xs.xs_poll(items, 1, 0), 1);
    assert.equal(recvString(pull), "b");
    assert.equal(xs.xs_poll(items, 1, 0), 0);
  } finally {
    done();
  }
});

test("xs_stopwatch_stop returns elapsed µs; a second stop returns 0 with EINVAL", () => {
  const w = xs.xs_stopwatch_start();
  const us = xs.xs_stopwatch_stop(w);
  assert.ok(Number.isInteger(us) && us >= 0);
  assert.equal(xs.xs_stopwatch_stop(w), 0);
  assert.equal(xs.xs_errno(), xs.EINVAL);
});

test("a half-sent multi-part message is discarded by xs_close and never appears", () => {
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  const ep = scratchEndpoint("inproc");
  xs.xs_bind(pull, ep);
  xs.xs_connect(push, ep);
  assert.equal(xs.xs_send(push, enc.encode("half"), 4, xs.XS_SNDMORE), 4);
  assert.equal(xs.xs_close(push), 0);
  assert.equal(xs.xs_recv(pull, null, 0, xs.XS_DONTWAIT), -1);
  assert.equal(xs.xs_errno(), xs.EAGAIN);
  xs.xs_close(pull);
  xs.xs_term(ctx);
});
