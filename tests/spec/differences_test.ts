/**
 * Deliberate differences from Crossroads I/O 1.2.0 that no other test pinned, each named in
 * docs/differences.md beside its row (and its section of docs/behaviour.md): no descriptors
 * and no plug-ins (§10.10, §10.11), free ports and `xs_last_endpoint` (§10.2), tcp
 * addresses (§10.12, §5.3), `XS_RECONNECT_IVL` 0 (§3), identities taken from the handshake
 * (§10.16), a REQ that takes a MORE-flagged identity frame (docs/wire.md §2.2), an XPUB
 * that skips bad subscriptions (§4.6), argument checks a C program cannot make (§10.3),
 * handles that stay on their thread, the Z85 helpers; and four places where the man pages
 * and the source disagree and we follow the source (§9 items 5, 6, 7, 12). Each case says
 * in a comment what upstream (or its man page) does instead, which the case would fail on.
 *
 * Runs on: the test runner's main thread (the I/O worker does the tcp side).
 */
import { assert, reservePort, retry, scratchEndpoint, test, texts, waitFor } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { RawPeer } from "../upstream/_testutil.ts";
import { untilEvent as until } from "../_events.ts";

const enc = new TextEncoder();

test("XS_FD reads -1 and XS_PLUGIN fails ENOTSUP (EFAULT for null)", () => {
  // docs/behaviour.md §10.10, §10.11: upstream gives its mailbox's descriptor and registers
  // a filter plug-in.
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PULL)!;
  try {
    const fd = new Int32Array([7]), len = { value: 4 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_FD, fd, len), 0);
    assert.deepEqual([fd[0], len.value], [-1, 4]);
    assert.equal(xs.xs_setsockopt(s, xs.XS_FD, 3), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setctxopt(ctx, xs.XS_PLUGIN, new Int32Array([1]), 4), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_setctxopt(ctx, xs.XS_PLUGIN, null), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
  } finally {
    xs.xs_close(s);
    xs.xs_term(ctx);
  }
});

test("xs_poll: a raw-descriptor item is never ready; no socket item and a negative timeout is EINVAL", () => {
  // docs/behaviour.md §10.10: upstream polls the descriptor, and with nitems 0 (or only
  // descriptors) and timeout -1 it sleeps for ever.
  const items: xs.xs_pollitem_t[] = [{ socket: null, fd: 0, events: xs.XS_POLLIN, revents: 9 }];
  assert.equal(xs.xs_poll(items, 1, 0), 0);
  assert.equal(items[0]!.revents, 0);
  const w = xs.xs_stopwatch_start();
  assert.equal(xs.xs_poll(items, 1, 30), 0);
  assert.ok(xs.xs_stopwatch_stop(w) >= 25_000, "a positive timeout is slept out");
  assert.equal(xs.xs_poll(items, 1, -1), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_poll([], 0, -1), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
});

test("xs_poll fails ENOTSOCK for a closed socket and EINVAL for a negative nitems (the source, not xs_poll(3))", () => {
  // docs/behaviour.md §9 item 12, §2.6: the man page lists neither error; upstream's code
  // returns both.
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PULL)!;
  const items: xs.xs_pollitem_t[] = [{ socket: s, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
  assert.equal(xs.xs_poll(items, 1, 0), 0);
  assert.equal(xs.xs_poll(items, -1, 0), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_close(s), 0);
  assert.equal(xs.xs_poll(items, 1, 0), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  assert.equal(xs.xs_term(ctx), 0);
});

test("a tcp bind to port * or 0 takes a free port, and xs_last_endpoint names it", () => {
  // docs/behaviour.md §10.2: upstream refuses both with EINVAL (its port 0 is invalid) and
  // has no XS_LAST_ENDPOINT.
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 5000), 0);
    const ports = new Set<number>();
    for (const ep of ["tcp://127.0.0.1:*", "tcp://127.0.0.1:0"]) {
      assert.ok(xs.xs_bind(pull, ep) > 0, xs.xs_strerror(xs.xs_errno()));
      const last = xs.xs_last_endpoint(pull)!;
      assert.match(last, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(last.slice(last.lastIndexOf(":") + 1));
      assert.ok(port >= 1 && port <= 65535, last);
      ports.add(port);
    }
    assert.equal(ports.size, 2, "two binds, two ports");
    assert.ok(xs.xs_connect(push, xs.xs_last_endpoint(pull)!) > 0);
    assert.equal(xs.xs_send(push, enc.encode("found"), 5, 0), 5);
    assert.equal(xs.xs_recv(pull, new Uint8Array(8), 8, 0), 5);
  } finally {
    xs.xs_close(push);
    xs.xs_close(pull);
    xs.xs_term(ctx);
  }
});

test("a tcp bind to localhost or lo binds 127.0.0.1", () => {
  // docs/behaviour.md §10.12: upstream takes only `*`, numeric literals and the OS's own
  // interface names, so `localhost` is ENODEV there (other names are ENODEV here:
  // tests/api/errors_test.ts).
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PULL)!;
  try {
    for (const host of ["localhost", "lo"]) {
      assert.ok(xs.xs_bind(s, `tcp://${host}:*`) > 0, `${host}: ${xs.xs_strerror(xs.xs_errno())}`);
      assert.match(xs.xs_last_endpoint(s)!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    }
  } finally {
    xs.xs_close(s);
    xs.xs_term(ctx);
  }
});

test("a tcp port is read exactly: no wrap-around past 65535, no trailing junk, no sign", () => {
  // docs/behaviour.md §5.3: upstream reads the port with atoi cut to 16 bits, so 70000 is
  // port 4464, "5555x" is 5555 and -1 is 65535.
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    for (const port of ["70000", "5555x", "-1", "+80", " 80"]) {
      assert.equal(xs.xs_bind(s, `tcp://127.0.0.1:${port}`), -1, `bind ${port}`);
      assert.equal(xs.xs_errno(), xs.EINVAL, `bind ${port}`);
      assert.equal(xs.xs_connect(s, `tcp://127.0.0.1:${port}`), -1, `connect ${port}`);
      assert.equal(xs.xs_errno(), xs.EINVAL, `connect ${port}`);
    }
  } finally {
    xs.xs_close(s);
    xs.xs_term(ctx);
  }
});

test("a tcp connect's source address is checked but not used: the peer sees the OS's choice", async () => {
  // docs/behaviour.md §10.12: upstream binds the connecting socket to the source address,
  // so the peer would see 127.0.0.2 here.
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { rcvtimeo: 5000 }), push = ctx.socket("PUSH", { linger: 0 });
  const events = pull.events;
  await pull.bind("tcp://127.0.0.1:*");
  const port = pull.lastEndpoint.slice(pull.lastEndpoint.lastIndexOf(":") + 1);
  assert.ok(await push.connect(`tcp://127.0.0.2;127.0.0.1:${port}`) > 0);
  const accept = await until(events, "accept");
  assert.ok(accept.type === "accept");
  assert.match(accept.remote, /127\.0\.0\.1:\d+$/, accept.remote);
  await push.send("via the OS's address");
  assert.equal(await pull.receiveText(), "via the OS's address");
});

test("XS_RECONNECT_IVL 0: a failed connect is retried at once, without jitter", async () => {
  // docs/behaviour.md §3: upstream computes the jitter as random % XS_RECONNECT_IVL, a
  // division by zero at the first failed attempt.
  await using ctx = new Context();
  using push = ctx.socket("PUSH", { reconnectIvl: 0, linger: 0 });
  const events = push.events;
  const port = await reservePort();
  await push.connect(`tcp://127.0.0.1:${port}`);
  for (let i = 0; i < 3; i++) {
    const r = await until(events, "connect:retry");
    assert.ok(r.type === "connect:retry");
    assert.equal(r.interval, 0);
  }
  await push.send("after the retries");
  using pull = ctx.socket("PULL", { rcvtimeo: 5000 });
  await retry(() => pull.bind(`tcp://127.0.0.1:${port}`));
  assert.equal(await pull.receiveText(), "after the retries");
});

test("ROUTER routes to a tcp peer by the identity it announced, before reading anything from it", async () => {
  // docs/behaviour.md §10.16 (§8 trap 20): upstream learns the identity when it reads the
  // peer's identity frame (a receive or a poll), and drops messages for it until then.
  await using ctx = new Context();
  using router = ctx.socket("ROUTER"), dealer = ctx.socket("DEALER", { identity: "early" });
  await router.bind("tcp://127.0.0.1:*");
  await dealer.connect(router.lastEndpoint);
  let got: Uint8Array[] | null = null;
  await waitFor(
    () => router.trySend(["early", "hi"]) && (got = dealer.tryReceive()) !== null,
    5000,
    "routing by 'early'",
  );
  assert.deepEqual(texts(got!), ["hi"]);
  assert.equal(router.tryReceive(), null, "the ROUTER never had anything to read");
});

test("XPUB (xs1 wire) skips short, unknown-command and unknown-filter subscriptions and reads on", async () => {
  // docs/behaviour.md §4.6 (docs/wire.md §8.1 rows 36, 37): upstream asserts on an unknown
  // filter id and stops reading the pipe after a malformed subscription.
  await using ctx = new Context();
  using xpub = ctx.socket("XPUB", { wire: "xs1", linger: 0 });
  await xpub.bind("tcp://127.0.0.1:*");
  const peer = await RawPeer.connect(xpub.lastEndpoint);
  try {
    // Frames: L (flags + body), flags 00, body.
    peer.send([0x03, 0x00, 0x00, 0x01]); // 2 bytes: too short
    peer.send([0x06, 0x00, 0x00, 0x03, 0x00, 0x01, 0x61]); // command 3
    peer.send([0x06, 0x00, 0x00, 0x01, 0x00, 0x07, 0x62]); // filter id 7
    peer.send([0x06, 0x00, 0x00, 0x02, 0x00, 0x02, 0x63]); // topic filter never used
    peer.send([0x06, 0x00, 0x00, 0x01, 0x00, 0x01, 0x64]); // subscribe "d" (prefix)
    const sub = await xpub.receive({ timeout: 5000 });
    assert.deepEqual([...sub[0]!], [0, 1, 0, 1, 0x64], "only the well-formed subscription");
    assert.equal(xpub.tryReceive(), null);
    await xpub.send("d!");
    assert.deepEqual(await peer.read(4), [0x03, 0x00, 0x64, 0x21]);
  } finally {
    await peer.close();
  }
});

test("REQ (xs1 wire) takes a peer's identity frame with MORE set", async () => {
  // docs/wire.md §2.2, §8.1 row 25: a Crossroads REQ's session refuses an identity frame
  // whose flags are not 00 and closes the connection (upstream src/req.cpp
  // `req_session_t::write`); libzmq sends its fallback identity that way.
  await using ctx = new Context();
  using req = ctx.socket("REQ", { wire: "xs1", linger: 0, rcvtimeo: 5000 });
  await req.bind("tcp://127.0.0.1:*");
  const peer = await RawPeer.connect(req.lastEndpoint);
  try {
    peer.send([0x01, 0x01]); // an empty identity, MORE set
    assert.deepEqual(await peer.read(2), [0x01, 0x00], "our identity frame, flags 00");
    await req.send("q", { timeout: 5000 });
    assert.deepEqual((await peer.read(7)).slice(2), [0x01, 0x01, 0x02, 0x00, 0x71]);
    peer.send([0x01, 0x01, 0x02, 0x00, 0x61]); // ["", "a"]
    assert.equal(await req.receiveText(), "a");
    assert.equal(peer.isClosed, false);
  } finally {
    await peer.close();
  }
});

test("SUB: unsubscribing a topic pattern it never subscribed returns 0", () => {
  // docs/behaviour.md §4.6 (where upstream asserts); the unknown-filter cases are in
  // tests/spec/pubsub_test.ts.
  const ctx = xs.xs_init();
  const sub = xs.xs_socket(ctx, xs.XS_SUB)!;
  try {
    assert.equal(xs.xs_setsockopt(sub, xs.XS_FILTER, xs.XS_FILTER_TOPIC), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_SUBSCRIBE, "a.*"), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_UNSUBSCRIBE, "b.*"), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_UNSUBSCRIBE, "a.*"), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_UNSUBSCRIBE, "a.*"), 0);
  } finally {
    xs.xs_close(sub);
    xs.xs_term(ctx);
  }
});

test("a buffer shorter than len is EFAULT, and so is xs_getmsgopt on a message that is not live", () => {
  // docs/behaviour.md §10.3: in C both read memory that is not there (undefined behaviour).
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    const ep = scratchEndpoint("inproc");
    assert.equal(xs.xs_bind(pull, ep), 0);
    assert.equal(xs.xs_connect(push, ep), 0);
    assert.equal(xs.xs_send(push, new Uint8Array(4), 5, 0), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    assert.equal(xs.xs_send(push, null, 1, 0), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    assert.equal(xs.xs_recv(pull, new Uint8Array(4), 5, xs.XS_DONTWAIT), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    const m = new xs.xs_msg_t(), v = new Int32Array(1);
    assert.equal(xs.xs_getmsgopt(m, xs.XS_MORE, v, { value: 4 }), -1);
    assert.equal(xs.xs_errno(), xs.EFAULT);
  } finally {
    xs.xs_close(push);
    xs.xs_close(pull);
    xs.xs_term(ctx);
  }
});

test("a context or socket handle does not survive structuredClone (what postMessage does)", () => {
  // Upstream's context is thread safe and its sockets may migrate between threads; here
  // both live in the heap of the JavaScript thread that made them, and a copy sent to a
  // Worker is a plain object there.
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PAIR)!;
  try {
    const ctxCopy = structuredClone(ctx), sCopy = structuredClone(s);
    assert.equal(xs.xs_socket(ctxCopy, xs.XS_PAIR), null);
    assert.equal(xs.xs_errno(), xs.EFAULT);
    assert.equal(xs.xs_bind(sCopy, "inproc://cloned"), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  } finally {
    xs.xs_close(s);
    xs.xs_term(ctx);
  }
});

test("xs_z85_encode and xs_z85_decode: RFC 32's vector both ways, null with EINVAL for bad input", () => {
  // docs/api.md §1 rule 1: libzmq's zmq_z85_encode(3) and zmq_z85_decode(3); 1.2.0 has
  // neither (nor any key helper).
  const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(xs.xs_z85_encode(bytes), "HelloWorld");
  assert.deepEqual(xs.xs_z85_decode("HelloWorld"), bytes);
  assert.equal(xs.xs_z85_encode(new Uint8Array(3)), null);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_z85_decode("Hell"), null);
  assert.equal(xs.xs_errno(), xs.EINVAL);
});

test("REQ takes a reply from whichever peer sends one (the source, not xs_socket(3))", () => {
  // docs/behaviour.md §9 item 5, §4.7: no request ids, so a reply from another peer than
  // the one asked is accepted, as upstream's code does.
  const ctx = xs.xs_init();
  const req = xs.xs_socket(ctx, xs.XS_REQ)!;
  const routers = [xs.xs_socket(ctx, xs.XS_XREP)!, xs.xs_socket(ctx, xs.XS_XREP)!];
  try {
    assert.equal(xs.xs_setsockopt(req, xs.XS_IDENTITY, "R"), 0);
    assert.equal(xs.xs_setsockopt(req, xs.XS_RCVTIMEO, 2000), 0);
    for (const r of routers) {
      const ep = scratchEndpoint("inproc");
      assert.equal(xs.xs_bind(r, ep), 0);
      assert.equal(xs.xs_connect(req, ep), 0);
    }
    assert.equal(xs.xs_send(req, enc.encode("Q"), 1, 0), 1);
    // The router that did not get the request answers it.
    const buf = new Uint8Array(8);
    const asked = routers.findIndex((r) => xs.xs_recv(r, buf, 8, xs.XS_DONTWAIT) >= 0);
    assert.ok(asked >= 0, "one router got the request");
    const other = routers[1 - asked]!;
    assert.equal(xs.xs_send(other, enc.encode("R"), 1, xs.XS_SNDMORE), 1);
    assert.equal(xs.xs_send(other, null, 0, xs.XS_SNDMORE), 0);
    assert.equal(xs.xs_send(other, enc.encode("from the other"), 14, 0), 14);
    const n = xs.xs_recv(req, buf, 8, 0);
    assert.equal(n, 14, xs.xs_strerror(xs.xs_errno()));
  } finally {
    xs.xs_close(req);
    for (const r of routers) xs.xs_close(r);
    xs.xs_term(ctx);
  }
});

test("PAIR reconnects over tcp (the source, not xs_socket(3))", async () => {
  // docs/behaviour.md §9 item 6, §4.4: the man page says a PAIR does not reconnect.
  await using ctx = new Context();
  using a = ctx.socket("PAIR", { linger: 0, reconnectIvl: 20 });
  const port = await reservePort();
  const ep = `tcp://127.0.0.1:${port}`;
  let b = ctx.socket("PAIR", { linger: 0 });
  try {
    await b.bind(ep);
    await a.connect(ep);
    await a.send("one");
    assert.equal(await b.receiveText({ timeout: 5000 }), "one");
    b.close();
    b = ctx.socket("PAIR", { linger: 0 });
    await retry(() => b.bind(ep));
    // A send racing the old connection's end may leave on it and be lost: send until one
    // arrives through the new connection.
    const end = Date.now() + 5000;
    let got: string | null = null;
    while (got === null && Date.now() < end) {
      await a.send("two", { timeout: 5000 });
      got = await b.receiveText({ timeout: 100 }).catch((e) => {
        if (e instanceof XsError && e.code === "EAGAIN") return null;
        throw e;
      });
    }
    assert.equal(got, "two");
  } finally {
    b.close();
  }
});

test("inproc names have no length limit (the source, not xs_inproc(7))", () => {
  // docs/behaviour.md §9 item 7, §5.1: the man page caps names at 256 characters.
  const ctx = xs.xs_init();
  const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    const ep = `inproc://${"n".repeat(1000)}`;
    assert.equal(xs.xs_bind(pull, ep), 0);
    assert.equal(xs.xs_connect(push, ep), 0);
    assert.equal(xs.xs_send(push, enc.encode("long"), 4, 0), 4);
    assert.equal(xs.xs_recv(pull, new Uint8Array(4), 4, xs.XS_DONTWAIT), 4);
  } finally {
    xs.xs_close(push);
    xs.xs_close(pull);
    xs.xs_term(ctx);
  }
});
