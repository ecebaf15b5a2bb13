/**
 * `xs_msg_init_data` over inproc is zero copy, as in Crossroads 1.2.0 (docs/behaviour.md
 * §10.17): the receivers' messages view the sender's very memory (a write through the
 * sender's buffer after the send shows at the receiver), and the free function runs once,
 * when the last reference goes — the receiver's `xs_msg_close` (or a receive into the
 * message), the last of a PUB's fan-out, a SUB's filter dropping it, the receiving socket
 * closing with it queued, `xs_term` — never at the send. Over tcp the bytes are copied at
 * the send and the function runs then.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** A free-function recorder: each call's hint, in order. */
function freer() {
  const calls: unknown[] = [];
  return { calls, ffn: (_d: ArrayBuffer | ArrayBufferView, hint: unknown) => calls.push(hint) };
}

/** A message over `bytes` (no copy) whose free function records `hint`. */
function dataMsg(bytes: Uint8Array, f: ReturnType<typeof freer>, hint: unknown): xs.xs_msg_t {
  const m = new xs.xs_msg_t();
  assert.equal(xs.xs_msg_init_data(m, bytes, bytes.length, f.ffn, hint), 0);
  return m;
}

/** An empty live message to receive into. */
function emptyMsg(): xs.xs_msg_t {
  const m = new xs.xs_msg_t();
  xs.xs_msg_init(m);
  return m;
}

function more(m: xs.xs_msg_t): number {
  const v = new Int32Array(1);
  assert.equal(xs.xs_getmsgopt(m, xs.XS_MORE, v, { value: 4 }), 0);
  return v[0]!;
}

/** A context with sockets of `types`, every receive bounded; `end` closes all and terms. */
function world(...types: number[]) {
  const ctx = xs.xs_init();
  const socks = types.map((t) => {
    const s = xs.xs_socket(ctx, t)!;
    assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 2000), 0);
    return s;
  });
  const end = () => {
    for (const s of socks) xs.xs_close(s);
    assert.equal(xs.xs_term(ctx), 0);
  };
  return { ctx, socks, end };
}

function link(bound: xs.XsSocket, ...connecting: xs.XsSocket[]): string {
  const ep = scratchEndpoint("inproc");
  assert.equal(xs.xs_bind(bound, ep), 0);
  for (const c of connecting) assert.equal(xs.xs_connect(c, ep), 0);
  return ep;
}

test("inproc PUSH→PULL: the receiver views the sender's memory; the free function runs at its close", () => {
  const { socks: [push, pull], end } = world(xs.XS_PUSH, xs.XS_PULL);
  try {
    link(pull!, push!);
    const f = freer();
    const bytes = enc.encode("hello");
    const m = dataMsg(bytes, f, "h");
    const sent = xs.xs_msg_data(m);
    assert.equal(xs.xs_sendmsg(push!, m, 0), 5);
    assert.equal(xs.xs_msg_size(m), 0, "the sent message is empty");
    xs.xs_msg_close(m);
    assert.deepEqual(f.calls, [], "not at the send");
    bytes[0] = 0x4a; // written through the sender's buffer after the send
    const r = emptyMsg();
    assert.equal(xs.xs_recvmsg(pull!, r, 0), 5);
    assert.equal(dec.decode(xs.xs_msg_data(r)), "Jello", "the receiver sees the same memory");
    assert.equal(xs.xs_msg_data(r), sent, "the very view the sender had");
    assert.equal(xs.xs_msg_data(r).buffer, bytes.buffer);
    assert.deepEqual(f.calls, [], "not at the receive");
    assert.equal(xs.xs_msg_close(r), 0);
    assert.deepEqual(f.calls, ["h"], "once, at the receiver's close");
  } finally {
    end();
  }
});

test("inproc: a receive into the message, or a move over it, lets go of the content", () => {
  const { socks: [push, pull], end } = world(xs.XS_PUSH, xs.XS_PULL);
  try {
    link(pull!, push!);
    const f = freer();
    for (const hint of ["a", "b", "c"]) xs.xs_sendmsg(push!, dataMsg(enc.encode(hint), f, hint), 0);
    const r = emptyMsg();
    assert.equal(xs.xs_recvmsg(pull!, r, 0), 1);
    assert.deepEqual(f.calls, []);
    assert.equal(xs.xs_recvmsg(pull!, r, 0), 1);
    assert.deepEqual(f.calls, ["a"], "receiving into the message released the first");
    const other = emptyMsg();
    assert.equal(xs.xs_recvmsg(pull!, other, 0), 1);
    assert.equal(xs.xs_msg_move(r, other), 0);
    assert.deepEqual(f.calls, ["a", "b"], "the move released what it replaced");
    assert.equal(dec.decode(xs.xs_msg_data(r)), "c");
    const copy = emptyMsg();
    assert.equal(xs.xs_msg_copy(copy, r), 0);
    xs.xs_msg_close(r);
    assert.deepEqual(f.calls, ["a", "b"], "a copy still holds it");
    xs.xs_msg_close(copy);
    xs.xs_msg_close(other);
    assert.deepEqual(f.calls, ["a", "b", "c"]);
  } finally {
    end();
  }
});

test("inproc multi-part: each part by reference, freed at its own message's close or after xs_recv copied it", () => {
  const { socks: [push, pull], end } = world(xs.XS_PUSH, xs.XS_PULL);
  try {
    link(pull!, push!);
    const f = freer();
    const bufs = ["one", "two", "three"].map((t) => enc.encode(t));
    bufs.forEach((b, i) => {
      const m = dataMsg(b, f, i);
      assert.equal(xs.xs_sendmsg(push!, m, i < 2 ? xs.XS_SNDMORE : 0), b.length);
      xs.xs_msg_close(m);
    });
    assert.deepEqual(f.calls, [], "nothing freed by the send");
    bufs[1]![0] = 0x54; // "Two"
    const p0 = emptyMsg(), p1 = emptyMsg();
    assert.equal(xs.xs_recvmsg(pull!, p0, 0), 3);
    assert.equal(more(p0), 1);
    assert.equal(xs.xs_recvmsg(pull!, p1, 0), 3);
    assert.equal(dec.decode(xs.xs_msg_data(p1)), "Two");
    assert.equal(xs.xs_msg_data(p1).buffer, bufs[1]!.buffer);
    assert.deepEqual(f.calls, []);
    const buf = new Uint8Array(8);
    assert.equal(xs.xs_recv(pull!, buf, 8, 0), 5, "the last part by copy");
    assert.equal(dec.decode(buf.subarray(0, 5)), "three");
    assert.deepEqual(f.calls, [2], "xs_recv copied it: no reference left");
    xs.xs_msg_close(p1);
    assert.deepEqual(f.calls, [2, 1]);
    xs.xs_msg_close(p0);
    assert.deepEqual(f.calls, [2, 1, 0]);
  } finally {
    end();
  }
});

test("inproc PUB fan-out to 3 SUBs: one shared content, freed once after the last SUB closed its message", () => {
  const { socks: [pub, ...subs], end } = world(xs.XS_PUB, xs.XS_SUB, xs.XS_SUB, xs.XS_SUB);
  try {
    for (const s of subs) assert.equal(xs.xs_setsockopt(s, xs.XS_SUBSCRIBE, new Uint8Array(0)), 0);
    link(pub!, ...subs);
    const f = freer();
    const bytes = enc.encode("news");
    const m = dataMsg(bytes, f, "news");
    assert.equal(xs.xs_sendmsg(pub!, m, 0), 4);
    xs.xs_msg_close(m);
    assert.deepEqual(f.calls, []);
    bytes[0] = 0x4e; // "News"
    const got = subs.map((s) => {
      const r = emptyMsg();
      assert.equal(xs.xs_recvmsg(s, r, 0), 4);
      assert.equal(dec.decode(xs.xs_msg_data(r)), "News");
      assert.equal(xs.xs_msg_data(r).buffer, bytes.buffer, "shared, not copied");
      return r;
    });
    xs.xs_msg_close(got[0]!);
    xs.xs_msg_close(got[1]!);
    assert.deepEqual(f.calls, [], "one receiver still holds it");
    xs.xs_msg_close(got[2]!);
    assert.deepEqual(f.calls, ["news"], "once, after all three closed");
  } finally {
    end();
  }
});

/** One leg of a socket type's routing over inproc, for the table below. */
interface Leg {
  name: string;
  from: number;
  to: number;
  /** Options of the receiver, set before the two are linked. */
  identity?: string;
  /** Runs what must come first (e.g. the request a reply answers). */
  before?: (from: xs.XsSocket, to: xs.XsSocket) => void;
  /** Plain parts the sender puts before the body (e.g. a ROUTER's peer id). */
  prefix?: string[];
  /** Parts the receiver gets before the body. */
  lead?: number;
  /** The body (an XSUB's is a subscription message). */
  body?: Uint8Array;
}

function sendText(s: xs.XsSocket, t: string, flags = 0): void {
  assert.equal(xs.xs_send(s, enc.encode(t), t.length, flags), t.length);
}

function recvText(s: xs.XsSocket): string {
  const b = new Uint8Array(64);
  const n = xs.xs_recv(s, b, 64, 0);
  assert.ok(n >= 0, xs.xs_strerror(xs.xs_errno()));
  return dec.decode(b.subarray(0, n));
}

const LEGS: Leg[] = [
  { name: "PAIR → PAIR", from: xs.XS_PAIR, to: xs.XS_PAIR },
  { name: "DEALER → DEALER", from: xs.XS_XREQ, to: xs.XS_XREQ },
  { name: "DEALER → ROUTER", from: xs.XS_XREQ, to: xs.XS_XREP, lead: 1 },
  {
    name: "ROUTER → DEALER",
    from: xs.XS_XREP,
    to: xs.XS_XREQ,
    identity: "D",
    prefix: ["D"],
  },
  { name: "REQ → REP", from: xs.XS_REQ, to: xs.XS_REP },
  {
    name: "REP → REQ",
    from: xs.XS_REP,
    to: xs.XS_REQ,
    before: (f, t) => {
      sendText(t, "q");
      assert.equal(recvText(f), "q");
    },
  },
  { name: "SURVEYOR → RESPONDENT", from: xs.XS_SURVEYOR, to: xs.XS_RESPONDENT },
  {
    name: "RESPONDENT → SURVEYOR",
    from: xs.XS_RESPONDENT,
    to: xs.XS_SURVEYOR,
    before: (f, t) => {
      assert.equal(xs.xs_setsockopt(t, xs.XS_SURVEY_TIMEOUT, 0), 0);
      sendText(t, "s?");
      assert.equal(recvText(f), "s?");
    },
  },
  { name: "XSURVEYOR → XRESPONDENT", from: xs.XS_XSURVEYOR, to: xs.XS_XRESPONDENT, lead: 1 },
  {
    name: "XSUB → XPUB (a subscription)",
    from: xs.XS_XSUB,
    to: xs.XS_XPUB,
    body: new Uint8Array([0, 1, 0, 1, 0x74]),
  },
];

for (const leg of LEGS) {
  test(`inproc ${leg.name}: the body arrives by reference and is freed at the receiver's close`, () => {
    const { socks: [from, to], end } = world(leg.from, leg.to);
    try {
      if (leg.identity) xs.xs_setsockopt(to!, xs.XS_IDENTITY, enc.encode(leg.identity));
      link(to!, from!);
      leg.before?.(from!, to!);
      const f = freer();
      const body = leg.body ?? enc.encode("body");
      for (const p of leg.prefix ?? []) sendText(from!, p, xs.XS_SNDMORE);
      assert.equal(xs.xs_sendmsg(from!, dataMsg(body, f, "body"), 0), body.length);
      assert.deepEqual(f.calls, []);
      const r = emptyMsg();
      for (let i = 0; i < (leg.lead ?? 0); i++) assert.ok(xs.xs_recvmsg(to!, r, 0) >= 0);
      assert.equal(xs.xs_recvmsg(to!, r, 0), body.length);
      assert.equal(more(r), 0);
      assert.equal(xs.xs_msg_data(r).buffer, body.buffer, "the sender's memory");
      assert.deepEqual(f.calls, []);
      xs.xs_msg_close(r);
      assert.deepEqual(f.calls, ["body"]);
    } finally {
      end();
    }
  });
}

test("inproc XSUB → PUB: a subscription the PUB reads and keeps no message of is freed then", () => {
  const { socks: [xsub, pub], end } = world(xs.XS_XSUB, xs.XS_PUB);
  try {
    link(pub!, xsub!);
    const f = freer();
    assert.equal(xs.xs_sendmsg(xsub!, dataMsg(new Uint8Array([0, 1, 0, 1]), f, "sub"), 0), 4);
    assert.deepEqual(f.calls, [], "queued in the pipe until the PUB is used");
    sendText(pub!, "x");
    assert.deepEqual(f.calls, ["sub"], "read (and applied) by the PUB's send");
    assert.equal(recvText(xsub!), "x");
  } finally {
    end();
  }
});

test("inproc: dropped by a SUB's filter, by the HWM or as unroutable, the content is freed exactly once", () => {
  const { socks: [pub, sub, router], end } = world(xs.XS_PUB, xs.XS_SUB, xs.XS_XREP);
  try {
    // XS_PROTOCOL 1 on the connecting SUB: the PUB sends it everything, its filter decides.
    assert.equal(xs.xs_setsockopt(sub!, xs.XS_PROTOCOL, 1), 0);
    assert.equal(xs.xs_setsockopt(sub!, xs.XS_SUBSCRIBE, enc.encode("A")), 0);
    assert.equal(xs.xs_setsockopt(sub!, xs.XS_RCVHWM, 1), 0);
    assert.equal(xs.xs_setsockopt(pub!, xs.XS_SNDHWM, 1), 0);
    link(pub!, sub!);
    const f = freer();
    for (const t of ["B1", "A2", "B3"]) {
      assert.equal(xs.xs_sendmsg(pub!, dataMsg(enc.encode(t), f, t), 0), 2);
    }
    assert.deepEqual(
      f.calls,
      ["B3"],
      "the pipe holds 2 messages: the third is dropped at the send",
    );
    const r = emptyMsg();
    assert.equal(xs.xs_recvmsg(sub!, r, 0), 2);
    assert.equal(dec.decode(xs.xs_msg_data(r)), "A2");
    assert.deepEqual(f.calls, ["B3", "B1"], "the filter dropped B1 when the SUB read it");
    assert.equal(xs.xs_recvmsg(sub!, r, xs.XS_DONTWAIT), -1);
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    assert.deepEqual(f.calls, ["B3", "B1", "A2"], "an EAGAIN receive empties the message");
    xs.xs_msg_close(r);

    // An XREP drops a message for an unknown peer: freed at that send.
    const id = dataMsg(enc.encode("nobody"), f, "id"), body = dataMsg(enc.encode("x"), f, "x");
    assert.equal(xs.xs_sendmsg(router!, id, xs.XS_SNDMORE), 6);
    assert.deepEqual(f.calls.slice(3), [], "a part sent with SNDMORE waits for the rest");
    assert.equal(xs.xs_sendmsg(router!, body, 0), 1);
    assert.deepEqual(f.calls.slice(3), ["id", "x"]);
  } finally {
    end();
  }
});

test("inproc: queued at a socket that closes, or at xs_term, or half sent at a close: freed once then", () => {
  const ctx = xs.xs_init();
  const push = xs.xs_socket(ctx, xs.XS_PUSH)!, pull = xs.xs_socket(ctx, xs.XS_PULL)!;
  const push2 = xs.xs_socket(ctx, xs.XS_PUSH)!, pull2 = xs.xs_socket(ctx, xs.XS_PULL)!;
  const f = freer();
  try {
    link(pull, push);
    link(pull2, push2);
    xs.xs_sendmsg(push, dataMsg(enc.encode("q1"), f, "q1"), 0);
    xs.xs_sendmsg(push, dataMsg(enc.encode("m1"), f, "m1"), xs.XS_SNDMORE);
    xs.xs_sendmsg(push, dataMsg(enc.encode("m2"), f, "m2"), 0);
    // A message half received: its first part reached a message, the second waits.
    const r = emptyMsg();
    xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 2000);
    assert.equal(xs.xs_recvmsg(pull, r, 0), 2);
    assert.equal(xs.xs_recvmsg(pull, r, 0), 2);
    assert.equal(dec.decode(xs.xs_msg_data(r)), "m1");
    assert.deepEqual(f.calls, ["q1"]);
    assert.equal(xs.xs_close(pull), 0);
    assert.deepEqual(f.calls, ["q1", "m2"], "the part not yet received goes with the socket");
    xs.xs_msg_close(r);
    assert.deepEqual(f.calls, ["q1", "m2", "m1"]);

    // Half sent: the parts given with SNDMORE go when the sender closes.
    xs.xs_sendmsg(push2, dataMsg(enc.encode("h1"), f, "h1"), xs.XS_SNDMORE);
    xs.xs_close(push2);
    assert.deepEqual(f.calls.slice(3), ["h1"]);

    // Queued at a PULL nobody closes: xs_term closes it.
    const p3 = xs.xs_socket(ctx, xs.XS_PUSH)!;
    assert.equal(xs.xs_connect(p3, xs.xs_last_endpoint(pull2)!), 0);
    xs.xs_sendmsg(p3, dataMsg(enc.encode("t1"), f, "t1"), 0);
    xs.xs_close(p3);
    assert.deepEqual(f.calls.slice(4), [], "a closed sender's message stays for the receiver");
  } finally {
    xs.xs_close(push);
    assert.equal(xs.xs_term(ctx), 0);
  }
  assert.deepEqual(f.calls.slice(4), ["t1"], "freed by xs_term");
});

test("inproc: a connect that never got its bind drops what it queued, freeing it once at its close", () => {
  const { socks: [push], end } = world(xs.XS_PUSH);
  try {
    assert.equal(xs.xs_connect(push!, scratchEndpoint("inproc")), 0);
    const f = freer();
    assert.equal(xs.xs_sendmsg(push!, dataMsg(enc.encode("w"), f, "w"), xs.XS_DONTWAIT), 1);
    assert.deepEqual(f.calls, []);
    xs.xs_close(push!);
    assert.deepEqual(f.calls, ["w"]);
  } finally {
    end();
  }
});

test("inproc request/reply: a route kept by REP is not freed before the reply went back", () => {
  const { socks: [dealer, rep], end } = world(xs.XS_XREQ, xs.XS_REP);
  try {
    link(rep!, dealer!);
    const f = freer();
    const hop = enc.encode("hop");
    xs.xs_sendmsg(dealer!, dataMsg(hop, f, "hop"), xs.XS_SNDMORE);
    xs.xs_sendmsg(dealer!, dataMsg(new Uint8Array(0), f, "delim"), xs.XS_SNDMORE);
    xs.xs_sendmsg(dealer!, dataMsg(enc.encode("ask"), f, "ask"), 0);
    const q = emptyMsg();
    assert.equal(xs.xs_recvmsg(rep!, q, 0), 3);
    assert.equal(dec.decode(xs.xs_msg_data(q)), "ask");
    assert.deepEqual(f.calls, [], "the route (hop, delimiter) is kept by REP");
    assert.equal(xs.xs_sendmsg(rep!, q, 0), 3, "the request's own content goes back as the reply");
    xs.xs_msg_close(q);
    assert.deepEqual(f.calls, [], "all three are queued towards the dealer now");
    const parts: xs.xs_msg_t[] = [];
    for (let i = 0; i < 3; i++) {
      const m = emptyMsg();
      assert.ok(xs.xs_recvmsg(dealer!, m, 0) >= 0);
      parts.push(m);
    }
    assert.equal(xs.xs_msg_data(parts[0]!).buffer, hop.buffer, "the very route came back");
    assert.deepEqual(parts.map((m) => dec.decode(xs.xs_msg_data(m))), ["hop", "", "ask"]);
    for (const m of parts) xs.xs_msg_close(m);
    assert.deepEqual(f.calls, ["hop", "delim", "ask"]);
  } finally {
    end();
  }
});

test("inproc: content over a SharedArrayBuffer arrives as an ArrayBuffer copy, still freed at the receiver's close", () => {
  const { socks: [push, pull], end } = world(xs.XS_PUSH, xs.XS_PULL);
  try {
    link(pull!, push!);
    const f = freer();
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    shared.set([1, 2, 3, 4]);
    xs.xs_sendmsg(push!, dataMsg(shared, f, "sab"), 0);
    const r = emptyMsg();
    assert.equal(xs.xs_recvmsg(pull!, r, 0), 4);
    assert.ok(xs.xs_msg_data(r).buffer instanceof ArrayBuffer);
    assert.deepEqual([...xs.xs_msg_data(r)], [1, 2, 3, 4]);
    assert.deepEqual(f.calls, []);
    xs.xs_msg_close(r);
    assert.deepEqual(f.calls, ["sab"]);
  } finally {
    end();
  }
});

test("tcp: the bytes are copied at the send, which frees the content at once", () => {
  const { socks: [pub, sub], end } = world(xs.XS_PUB, xs.XS_SUB);
  try {
    assert.equal(xs.xs_setsockopt(sub!, xs.XS_SUBSCRIBE, new Uint8Array(0)), 0);
    assert.equal(xs.xs_setsockopt(sub!, xs.XS_RCVTIMEO, 50), 0);
    assert.ok(xs.xs_bind(pub!, scratchEndpoint("tcp")) >= 0);
    assert.ok(xs.xs_connect(sub!, xs.xs_last_endpoint(pub!)!) >= 0);
    const f = freer();
    const bytes = enc.encode("wire");
    const r = emptyMsg();
    // Until the subscription has arrived the PUB drops its messages: send until one comes
    // (each receive waits up to 50 ms).
    for (let i = 0;; i++) {
      assert.ok(i < 100, "no message arrived");
      assert.equal(xs.xs_sendmsg(pub!, dataMsg(bytes, f, i), 0), 4);
      assert.equal(f.calls.length, i + 1, "freed by the send itself");
      if (xs.xs_recvmsg(sub!, r, 0) === 4) break;
    }
    bytes[0] = 0x57;
    assert.equal(dec.decode(xs.xs_msg_data(r)), "wire", "a copy: later writes do not show");
    xs.xs_msg_close(r);
  } finally {
    end();
  }
});

test("inproc: what a connect queued before any bind is released once, at xs_disconnect", () => {
  const { socks: [push], end } = world(xs.XS_PUSH);
  try {
    const ep = scratchEndpoint("inproc");
    assert.equal(xs.xs_connect(push!, ep), 0); // no bind yet: the pipe queues
    const f = freer();
    for (const hint of ["a", "b"]) {
      const m = dataMsg(enc.encode(hint), f, hint);
      assert.equal(xs.xs_sendmsg(push!, m, 0), 1);
      xs.xs_msg_close(m);
    }
    assert.deepEqual(f.calls, [], "queued for a bind that has not come");
    assert.equal(xs.xs_disconnect(push!, ep), 0);
    assert.deepEqual(f.calls, ["a", "b"], "dropped with the connect, each freed once");
  } finally {
    end();
  }
});
