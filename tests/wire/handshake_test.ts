/**
 * Tests of lib/wire/handshake.ts: the libzmq transcripts of docs/wire.md §3.1, §3.6 and §3.9, the
 * detection paths of 4.1/4.2, strict mode (4.3), the handshake rows of table 8.1, and two
 * Handshake objects run against each other.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  Handshake,
  type HandshakeOptions,
  LegacyHandshake,
  readyFrame,
} from "../../lib/wire/mod.ts";
import { ascii, cat, fill, hex } from "./_hex.ts";

const PEERS: Record<string, string[]> = {
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  PAIR: ["PAIR"],
};

function opts(type: string, extra: Partial<HandshakeOptions> = {}): HandshakeOptions {
  return {
    socketType: type,
    identity: new Uint8Array(0),
    sendIdentity: ["REQ", "REP", "DEALER", "ROUTER"].includes(type),
    acceptPeer: (p) => PEERS[type]!.includes(p),
    ...extra,
  };
}

/** Feeds `bytes` one at a time, returning everything the handshake wanted to send. */
function feedBytes(h: Handshake, bytes: Uint8Array): Uint8Array {
  const outs: Uint8Array[] = [];
  for (const b of bytes) {
    if (h.done || h.error) break;
    outs.push(h.feed(new Uint8Array([b])));
  }
  return cat(...outs);
}

const SIG0 = hex("FF 00 00 00 00 00 00 00 01 7F");
const NULL_TAIL = cat(hex('01 "NULL"'), fill(16, 0), fill(32, 0)); // bytes 11..63
const LIBZMQ_GREETING = cat(SIG0, hex("03"), NULL_TAIL);
const DEALER_READY = hex(
  '04 29 05 "READY" 0B "Socket-Type" 00 00 00 06 "DEALER" 08 "Identity" 00 00 00 00',
);
const ROUTER_READY = hex(
  '04 29 05 "READY" 0B "Socket-Type" 00 00 00 06 "ROUTER" 08 "Identity" 00 00 00 00',
);
const PUSH_READY = readyFrame("PUSH", null);
/** The security part of a result without security (1.0, 2.0, NULL without ZAP). */
const NULL_SECURITY = { mechanism: "NULL", properties: new Map(), userId: "", codec: null };

/** Runs our side through the whole greeting, returning it ready for the peer's READY. */
function afterGreeting(h: Handshake, greeting = LIBZMQ_GREETING): Uint8Array {
  h.start();
  return h.feed(greeting);
}

test("Handshake starts with the 10-byte signature carrying identity length + 1", () => {
  assert.deepEqual(new Handshake(opts("PUSH")).start(), SIG0);
  const h = new Handshake(opts("DEALER", { identity: ascii("AB") }));
  assert.deepEqual(h.start(), hex("FF 00 00 00 00 00 00 00 03 7F"));
  assert.deepEqual(h.start(), new Uint8Array(0));
});

test("Handshake in zmtp3 mode sends the whole zero-padded 64-byte greeting at once", () => {
  const g = new Handshake(opts("PUSH", { mode: "zmtp3", identity: ascii("AB") })).start();
  assert.deepEqual(g, cat(hex("FF 00 00 00 00 00 00 00 00 7F 03"), NULL_TAIL));
  assert.equal(g.length, 64);
});

test("Handshake completes libzmq's DEALER greeting fed one byte at a time", () => {
  const h = new Handshake(opts("ROUTER"));
  assert.deepEqual(h.start(), SIG0);
  // Nothing goes out before the peer's 10th byte, then exactly the major version.
  assert.deepEqual(feedBytes(h, SIG0.subarray(0, 9)), new Uint8Array(0));
  assert.deepEqual(h.feed(SIG0.subarray(9)), hex("03"));
  // The rest of our greeting only once the peer's byte 10 arrived.
  assert.deepEqual(h.feed(hex("03")), NULL_TAIL);
  // READY only after the peer's whole greeting (docs/wire.md §9 item 15).
  assert.deepEqual(feedBytes(h, NULL_TAIL.subarray(0, 52)), new Uint8Array(0));
  assert.deepEqual(h.feed(NULL_TAIL.subarray(52)), ROUTER_READY);
  assert.deepEqual(feedBytes(h, DEALER_READY), new Uint8Array(0));
  assert.equal(h.error, null);
  assert.deepEqual(h.done, {
    version: "3.1",
    peerType: "DEALER",
    peerIdentity: new Uint8Array(0),
    rest: new Uint8Array(0),
    ...NULL_SECURITY,
    properties: new Map([["socket-type", ascii("DEALER")], ["identity", new Uint8Array(0)]]),
  });
});

test("Handshake reproduces the DEALER/ROUTER transcript of docs/wire.md §3.6 in one read", () => {
  const h = new Handshake(opts("ROUTER"));
  const sent = cat(h.start(), h.feed(cat(LIBZMQ_GREETING, DEALER_READY, hex("01 00 00 02 68 69"))));
  assert.deepEqual(sent, cat(SIG0, hex("03"), NULL_TAIL, ROUTER_READY));
  assert.equal(h.done?.version, "3.1");
  // Bytes after READY are the first frames, kept for the decoder.
  assert.deepEqual(h.done?.rest, hex("01 00 00 02 68 69"));
});

test("Handshake sends Identity in READY only when asked and reports the peer's", () => {
  const h = new Handshake(opts("DEALER", { identity: ascii("AB") }));
  const out = afterGreeting(h);
  assert.deepEqual(out.subarray(out.length - 45), readyFrame("DEALER", ascii("AB")));
  h.feed(readyFrame("ROUTER", ascii("XY")));
  assert.deepEqual(h.done?.peerIdentity, ascii("XY"));
  const p = new Handshake(opts("PUSH", { identity: ascii("AB") }));
  const pout = afterGreeting(p);
  assert.deepEqual(pout.subarray(pout.length - PUSH_READY.length), PUSH_READY);
});

test("Handshake reports 3.0 for major 3 minor 0", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h, cat(SIG0, hex("03 00"), LIBZMQ_GREETING.subarray(12)));
  h.feed(PUSH_READY);
  assert.equal(h.done?.version, "3.0");
});

test("Handshake treats revision 02 and 04 as ZMTP/3.x", () => {
  for (const rev of [2, 4, 0xff]) {
    const h = new Handshake(opts("PULL"));
    const out = afterGreeting(h, cat(SIG0, new Uint8Array([rev, 0]), LIBZMQ_GREETING.subarray(12)));
    assert.deepEqual(out, cat(hex("03"), NULL_TAIL, readyFrame("PULL", null)));
    h.feed(PUSH_READY);
    assert.equal(h.done?.version, "3.1", `revision ${rev}`);
  }
});

test("Handshake ignores junk in padding, byte 9 bits 1-7, as-server and filler", () => {
  const g = cat(
    hex("FF 12 34 56 78 9A BC DE F0 FF 03 01"),
    hex('"NULL"'),
    fill(16, 0),
    fill(32, 0xaa),
  );
  const h = new Handshake(opts("PULL"));
  h.start();
  h.feed(g);
  h.feed(PUSH_READY);
  assert.equal(h.error, null);
  assert.equal(h.done?.version, "3.1");
});

test("Handshake closes on a mechanism mismatch without sending anything", () => {
  const plain = cat(SIG0, hex('03 01 "PLAIN"'), fill(15, 0), fill(32, 0));
  const h = new Handshake(opts("PULL"));
  h.start();
  assert.deepEqual(h.feed(plain.subarray(0, 11)), cat(hex("03"), NULL_TAIL));
  assert.deepEqual(h.feed(plain.subarray(11)), new Uint8Array(0));
  assert.match(h.error ?? "", /mechanism "PLAIN"/);
  assert.equal(h.done, null);
  assert.deepEqual(h.feed(PUSH_READY), new Uint8Array(0));
});

test("Handshake compares the mechanism case-sensitively", () => {
  const lower = cat(SIG0, hex('03 01 "null"'), fill(16, 0), fill(32, 0));
  const h = new Handshake(opts("PULL"));
  afterGreeting(h, lower);
  assert.match(h.error ?? "", /"null"/);
});

test("Handshake closes on a data frame before READY", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(hex("00 05 68 65 6C 6C 6F"));
  assert.match(h.error ?? "", /Data frame received before READY/);
});

test("Handshake accepts a data frame whose body is a READY command", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  const asData = PUSH_READY.slice();
  asData[0] = 0x00;
  h.feed(asData);
  assert.equal(h.error, null);
  assert.equal(h.done?.peerType, "PUSH");
});

test("Handshake accepts MORE and LONG on the peer's READY", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  const body = PUSH_READY.subarray(2);
  h.feed(cat(hex("07 00 00 00 00 00 00 00"), new Uint8Array([body.length]), body));
  assert.equal(h.done?.peerType, "PUSH");
});

test("Handshake closes on an unknown command during the handshake", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(hex('04 07 04 "PING" 00 00'));
  assert.match(h.error ?? "", /Unexpected command PING/);
});

test("Handshake closes on an ERROR command during the handshake", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(hex('04 0A 05 "ERROR" 03 "400"'));
  assert.match(h.error ?? "", /ERROR.*400/);
});

test("Handshake closes on a malformed command during the handshake", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(hex('04 03 05 "RE"'));
  assert.match(h.error ?? "", /Malformed command/);
});

test("Handshake closes on an incompatible Socket-Type", () => {
  for (const peer of ["PUB", "pull", "push"]) {
    const h = new Handshake(opts("PULL"));
    afterGreeting(h);
    h.feed(readyFrame(peer, null));
    assert.match(h.error ?? "", /not compatible/, peer);
  }
});

test("Handshake closes on truncated metadata or one trailing byte", () => {
  const body = cat(PUSH_READY.subarray(2), hex("00"));
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(cat(new Uint8Array([4, body.length]), body));
  assert.match(h.error ?? "", /Truncated metadata/);
  const t = new Handshake(opts("PULL"));
  afterGreeting(t);
  t.feed(hex('04 15 05 "READY" 0B "Socket-Type" 00 00 00 04'));
  assert.match(t.error ?? "", /Truncated metadata/);
});

test("Handshake accepts a READY without Socket-Type", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(hex('04 06 05 "READY"'));
  assert.equal(h.error, null);
  assert.equal(h.done?.peerType, null);
});

test("Handshake matches property names case-insensitively", () => {
  const h = new Handshake(opts("ROUTER"));
  afterGreeting(h);
  h.feed(hex('04 26 05 "READY" 0B "socket-type" 00 00 00 03 "REQ" 08 "IDENTITY" 00 00 00 00'));
  assert.equal(h.done?.peerType, "REQ");
  const bad = new Handshake(opts("ROUTER"));
  afterGreeting(bad);
  bad.feed(hex('04 19 05 "READY" 0B "SOCKET-TYPE" 00 00 00 03 "PUB"'));
  assert.match(bad.error ?? "", /not compatible/);
});

test("Handshake takes a READY larger than maxMsgSize: the limit is for message parts", () => {
  // docs/wire.md §8.4: a READY of 28 bytes passes a maxMsgSize of 0, 5 or 16.
  for (const maxMsgSize of [0, 5, 16]) {
    const h = new Handshake(opts("PULL", { maxMsgSize }));
    afterGreeting(h);
    h.feed(PUSH_READY);
    assert.equal(h.error, null, `maxMsgSize ${maxMsgSize}`);
    assert.equal(h.done?.peerType, "PUSH");
  }
});

test("Handshake rejects a handshake frame over MAX_COMMAND_SIZE from its header", () => {
  // Whatever maxMsgSize says, even none or a larger one: a READY of 64 KiB + 1 is refused
  // before its body is awaited; 64 KiB exactly is awaited.
  for (const maxMsgSize of [-1, 5, 1_000_000]) {
    const over = new Handshake(opts("PULL", { maxMsgSize }));
    afterGreeting(over);
    over.feed(hex("06 00 00 00 00 00 01 00 01"));
    assert.match(over.error ?? "", /size 65537 exceeds the limit of 65536/, `${maxMsgSize}`);
    const at = new Handshake(opts("PULL", { maxMsgSize }));
    afterGreeting(at);
    at.feed(hex("06 00 00 00 00 00 01 00 00"));
    assert.equal(at.error, null, `${maxMsgSize}`);
    assert.equal(at.done, null);
  }
  const long = new Handshake(opts("PULL"));
  afterGreeting(long);
  long.feed(hex("06 00 00 00 01 00 00 00 00"));
  assert.match(long.error ?? "", /exceeds the limit/);
});

test("Handshake takes a first byte other than FF as a legacy identity frame", () => {
  const h = new Handshake(opts("DEALER", { identity: ascii("AB") }));
  h.start();
  // The peer reads our signature as the header of a 2-byte identity; its body follows.
  assert.deepEqual(h.feed(hex("03")), ascii("AB"));
  assert.deepEqual(h.feed(hex("00 58 59 06 00 68 65")), new Uint8Array(0));
  assert.deepEqual(h.done, {
    version: "1.0",
    peerType: null,
    peerIdentity: ascii("XY"),
    rest: hex("06 00 68 65"),
    ...NULL_SECURITY,
  });
});

test("Handshake answers an anonymous legacy identity with nothing for an empty identity", () => {
  const h = new Handshake(opts("REP"));
  h.start();
  assert.deepEqual(h.feed(hex("01 00")), new Uint8Array(0));
  assert.equal(h.done?.version, "1.0");
  assert.deepEqual(h.done?.peerIdentity, new Uint8Array(0));
});

test("Handshake takes FF with byte 9 bit 0 clear as a long legacy identity frame", () => {
  const wire = cat(hex("FF 00 00 00 00 00 00 00 04 00 58 49 44"), hex("02 00 7A"));
  const h = new Handshake(opts("ROUTER"));
  h.start();
  const sent = feedBytes(h, wire.subarray(0, 13));
  assert.deepEqual(sent, new Uint8Array(0));
  assert.equal(h.done?.version, "1.0");
  assert.deepEqual(h.done?.peerIdentity, ascii("XID"));
  const one = new Handshake(opts("ROUTER"));
  one.start();
  one.feed(wire);
  assert.deepEqual(one.done?.rest, hex("02 00 7A"));
});

test("Handshake accepts a legacy identity flagged MORE, as libzmq sends it", () => {
  const h = new Handshake(opts("ROUTER"));
  h.start();
  // 0MQ 2.x-style peer: 10 bytes with byte 9 = 01 would be versioned, so use short form.
  h.feed(hex("03 01 41 42"));
  assert.deepEqual(h.done?.peerIdentity, ascii("AB"));
});

test("Handshake closes on a legacy frame of length 0", () => {
  const h = new Handshake(opts("PULL"));
  h.start();
  h.feed(hex("00 00"));
  assert.match(h.error ?? "", /length 0/);
});

test("Handshake and LegacyHandshake close on a legacy length 0 before its flags byte", () => {
  // docs/wire.md §8.1 row 24: the length alone decides; a peer that stops after it is closed.
  const h = new Handshake(opts("PULL"));
  h.start();
  h.feed(hex("00"));
  assert.match(h.error ?? "", /length 0/);
  for (const wire of [hex("00"), hex("FF 00 00 00 00 00 00 00 00")]) {
    const l = new LegacyHandshake({
      mode: "zmtp1",
      identity: new Uint8Array(0),
      identityFamily: false,
    });
    l.start();
    l.feed(wire);
    assert.match(l.error ?? "", /length 0/);
  }
});

test("Handshake rejects a legacy identity larger than maxMsgSize from its header", () => {
  // Crossroads 1.2.0 reads the identity as the first message: maxMsgSize applies to it.
  const h = new Handshake(opts("PULL", { maxMsgSize: 4 }));
  h.start();
  h.feed(hex("FF 00 00 00 00 7F FF FF FF 00"));
  assert.match(h.error ?? "", /exceeds the limit of 4/);
  const ok = new Handshake(opts("PULL", { maxMsgSize: 4 }));
  ok.start();
  ok.feed(hex('05 00 "abcd"'));
  assert.deepEqual(ok.done?.peerIdentity, ascii("abcd"));
  const bad = new Handshake(opts("PULL", { maxMsgSize: 4 }));
  bad.start();
  bad.feed(hex("06"));
  assert.match(bad.error ?? "", /exceeds the limit of 4/);
  // Without a limit, an identity is a handshake frame: MAX_COMMAND_SIZE.
  const cap = new Handshake(opts("PULL"));
  cap.start();
  cap.feed(hex("FF 00 00 00 00 00 01 00 02 00"));
  assert.match(cap.error ?? "", /size 65537 exceeds the limit of 65536/);
  // The v2 identity frame alike.
  const v2 = new Handshake(opts("PULL", { maxMsgSize: 4 }));
  v2.start();
  v2.feed(cat(SIG0, hex("01 08"), hex('00 05 "abcde"')));
  assert.match(v2.error ?? "", /exceeds the limit of 4/);
});

test("Handshake speaks ZMTP/2.0 to a revision 01 peer", () => {
  const h = new Handshake(opts("ROUTER", { identity: ascii("AB") }));
  assert.deepEqual(h.start(), hex("FF 00 00 00 00 00 00 00 03 7F"));
  assert.deepEqual(h.feed(SIG0), hex("03"));
  // Our type byte (ROUTER = 6) and our identity as a v2 frame.
  assert.deepEqual(h.feed(hex("01")), hex("06 00 02 41 42"));
  assert.deepEqual(feedBytes(h, hex("05 00 00")), new Uint8Array(0));
  assert.deepEqual(h.done, {
    version: "2.0",
    peerType: "DEALER",
    peerIdentity: new Uint8Array(0),
    rest: new Uint8Array(0),
    ...NULL_SECURITY,
  });
});

test("Handshake maps XREQ to the DEALER type byte on ZMTP/2.0", () => {
  const h = new Handshake(opts("DEALER", { socketType: "XREQ" }));
  h.start();
  assert.deepEqual(h.feed(cat(SIG0, hex("01 06 00 02 58 59 00 01 61"))), hex("03 05 00 00"));
  assert.deepEqual(h.done?.peerIdentity, ascii("XY"));
  assert.equal(h.done?.peerType, "ROUTER");
  assert.deepEqual(h.done?.rest, hex("00 01 61"));
});

test("Handshake closes on revision 00", () => {
  const h = new Handshake(opts("PULL"));
  h.start();
  assert.deepEqual(h.feed(cat(SIG0, hex("00"))), new Uint8Array(0));
  assert.match(h.error ?? "", /revision 00/);
});

test("Handshake in zmtp3 mode closes on a legacy or ZMTP/2.0 peer", () => {
  for (const wire of [hex("01 00"), hex("FF 00 00 00 00 00 00 00 04 00"), cat(SIG0, hex("01"))]) {
    const h = new Handshake(opts("PULL", { mode: "zmtp3" }));
    h.start();
    assert.deepEqual(h.feed(wire), new Uint8Array(0));
    assert.ok(h.error, `${wire}`);
  }
});

test("Handshake in zmtp3 mode completes against libzmq's greeting", () => {
  const h = new Handshake(opts("PULL", { mode: "zmtp3" }));
  h.start();
  assert.deepEqual(feedBytes(h, LIBZMQ_GREETING), readyFrame("PULL", null));
  h.feed(PUSH_READY);
  assert.equal(h.done?.version, "3.1");
});

test("Handshake emits its start bytes if fed before start()", () => {
  const h = new Handshake(opts("PULL"));
  assert.deepEqual(h.feed(SIG0), cat(SIG0, hex("03")));
});

test("Handshake refuses to be fed after it finished", () => {
  const h = new Handshake(opts("PULL"));
  afterGreeting(h);
  h.feed(PUSH_READY);
  assert.throws(() => h.feed(hex("00")));
});

/** Runs two handshakes against each other, delivering `step` bytes at a time. */
function loopback(a: Handshake, b: Handshake, step = Infinity) {
  let toB = a.start();
  let toA = b.start();
  for (let i = 0; i < 10_000 && !(a.done && b.done); i++) {
    assert.equal(a.error, null);
    assert.equal(b.error, null);
    const nb = Math.min(step, toB.length), na = Math.min(step, toA.length);
    const outB = b.done ? new Uint8Array(0) : b.feed(toB.subarray(0, nb));
    const outA = a.done ? new Uint8Array(0) : a.feed(toA.subarray(0, na));
    toB = cat(toB.subarray(nb), outA);
    toA = cat(toA.subarray(na), outB);
  }
  assert.ok(a.done && b.done, "handshakes did not finish");
  assert.equal(toA.length + toB.length, 0);
}

test("Handshake auto against auto agrees on 3.1 and exchanges identities", () => {
  for (const step of [Infinity, 1, 7]) {
    const a = new Handshake(opts("DEALER", { identity: ascii("dealer-1") }));
    const b = new Handshake(opts("ROUTER"));
    loopback(a, b, step);
    assert.equal(a.done?.version, "3.1");
    assert.equal(b.done?.version, "3.1");
    assert.equal(a.done?.peerType, "ROUTER");
    assert.equal(b.done?.peerType, "DEALER");
    assert.deepEqual(b.done?.peerIdentity, ascii("dealer-1"));
    assert.deepEqual(a.done?.peerIdentity, new Uint8Array(0));
  }
});

test("Handshake auto against zmtp3 agrees on 3.1 in both directions", () => {
  for (const step of [Infinity, 1]) {
    const a = new Handshake(opts("PUSH"));
    const b = new Handshake(opts("PULL", { mode: "zmtp3" }));
    loopback(a, b, step);
    loopback(new Handshake(opts("PUB", { mode: "zmtp3" })), new Handshake(opts("SUB")), step);
    assert.equal(a.done?.version, "3.1");
    assert.equal(b.done?.version, "3.1");
    assert.equal(b.done?.peerType, "PUSH");
  }
});

test("Handshake against an incompatible peer fails on both sides", () => {
  const a = new Handshake(opts("PUSH"));
  const b = new Handshake(opts("PUB"));
  let toB = a.start(), toA = b.start();
  for (let i = 0; i < 10 && !(a.error && b.error); i++) {
    const x = b.error ? new Uint8Array(0) : b.feed(toB);
    toB = a.error ? new Uint8Array(0) : a.feed(toA);
    toA = x;
  }
  assert.equal(a.done, null);
  assert.equal(b.done, null);
  assert.match(a.error ?? "", /PUB is not compatible with PUSH/);
  assert.match(b.error ?? "", /PUSH is not compatible with PUB/);
});
