/**
 * Hostile input at the session (issue #14 item 4, docs/wire.md §8): a real StreamSession on a
 * fake stream, read by the API thread's RingPipe (tests/wire/_fuzz_gen.ts `SessionRig`).
 * A peer's size field reserves no memory on either thread (§8.4), a ZMTP/1.0 length of 0
 * closes at once (§8.1 row 24), and the whole messages before a malformed frame are delivered
 * whatever the read boundaries.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { encodeMessage3, readyFrame } from "../../lib/wire/mod.ts";
import { allocated, caseOf, cat, SessionRig, trackAllocations } from "../wire/_fuzz_gen.ts";

const enc = new TextEncoder();
/** A libzmq 4.3 greeting (docs/wire.md §3.1) and a PUSH's READY. */
const GREETING = (() => {
  const g = new Uint8Array(64);
  g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
  g.set(enc.encode("NULL"), 12);
  return cat(g, readyFrame("PUSH", null));
})();
const msg = (t: string) => encodeMessage3([enc.encode(t)]);
/** A LONG frame header announcing 2^31 - 1 bytes (the hard cap): flags 02 or 06. */
const huge = (flags: number) => new Uint8Array([flags, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]);

test("session: a command announcing 2^31 - 1 bytes is read, not allocated", () => {
  const rig = new SessionRig();
  const c = caseOf(cat(GREETING, huge(0x06), new Uint8Array(5000)));
  const out = trackAllocations(() => {
    allocated();
    return rig.run(c, [c.bytes.length]);
  });
  const most = allocated();
  assert.equal(out.closedBy, null, "a size within the hard cap is legal: the peer left");
  assert.ok(most < 64 * 1024, `largest allocation ${most} bytes`);
});

test("session: a data frame announcing 2^31 - 1 bytes: the API side's buffer grows", () => {
  const rig = new SessionRig();
  // 700 KiB of its body: more than half the ring, so it is streamed as CMD_BIG and chunks.
  const c = caseOf(cat(GREETING, huge(0x02), new Uint8Array(700 * 1024)));
  trackAllocations(() => {
    allocated();
    rig.run(c, [64 + 26, 9 + 300 * 1024, 400 * 1024]);
  });
  const most = allocated();
  assert.ok(most <= 1024 * 1024, `largest allocation ${most} bytes`);
  // The rig's pipe goes on: the next connection's messages arrive whole.
  const next = rig.run(caseOf(cat(GREETING, msg("after"))), [GREETING.length + 7]);
  assert.equal(next.messages.length, 1);
});

test("session: whole messages before a malformed frame are delivered, in one read or many", () => {
  // A LONG frame announcing 2^56 bytes after two whole messages and the start of a third.
  const bad = new Uint8Array([0x02, 0x01, 0, 0, 0, 0, 0, 0, 0]);
  const wire = cat(GREETING, msg("one"), msg("two"), new Uint8Array([1, 1, 0x78]), bad);
  const rig = new SessionRig();
  for (const chunks of [[wire.length], [GREETING.length, wire.length - GREETING.length]]) {
    const out = rig.run(caseOf(wire), chunks);
    assert.match(out.closedBy ?? "", /protocol error/);
    assert.equal(out.messages.length, 2, `${chunks.length} reads`);
  }
});

test("session: a ZMTP/1.0 length of 0 closes the connection without waiting for more", () => {
  const rig = new SessionRig();
  // xs1 PULL (no identity exchange): "hi", then a length byte of 0 and nothing else.
  const xs1 = rig.run(caseOf(new Uint8Array([3, 0, 0x68, 0x69, 0]), { mode: "xs1" }), [5]);
  assert.match(xs1.closedBy ?? "", /length 0/);
  assert.equal(xs1.messages.length, 1);
  // auto: the peer's first byte 00 is a legacy identity frame of length 0.
  const auto = rig.run(caseOf(new Uint8Array([0])), [1]);
  assert.match(auto.closedBy ?? "", /handshake failed: .*length 0/);
  // zmtp1: the long form, FF and a zero length, without its flags byte.
  const long = rig.run(caseOf(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 0]), { mode: "zmtp1" }));
  assert.match(long.closedBy ?? "", /length 0/);
});
