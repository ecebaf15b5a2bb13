/**
 * Unit tests of XREP's routing decisions (lib/protocols/xrep.ts) on fake pipes: the
 * XS_ROUTER_MANDATORY answers (`send`, `sendable`, `hasOut`: EHOSTUNREACH for an unknown or
 * departed peer, EAGAIN for a full one, a lone address dropped), and the routing id given at
 * connect (`pipe.routingId`: routed by it from the start, announcements ignored, `routes`).
 * The same behaviour through the public faces is tests/spec/router_controls_test.ts.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import type { Pipe } from "../../lib/pipe/mod.ts";
import { XRep } from "../../lib/protocols/xrep.ts";
import { EAGAIN, EHOSTUNREACH } from "../../lib/constants.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const txt = (m: Uint8Array[]) => m.map((p) => new TextDecoder().decode(p)).join("|");

/** A pipe with `room` messages of room and an identity its peer announced. */
class FakePipe implements Pipe {
  peerIdentity: Uint8Array;
  routingId?: Uint8Array;
  peerType: string | null = null;
  peerVersion: string | null = "3.1";
  properties: Record<string, string> | null = null;
  connections = 1;
  tag: unknown = null;
  terminated = false;
  sent: Uint8Array[][] = [];
  inbox: Uint8Array<ArrayBuffer>[][] = [];
  constructor(readonly id: number, announced = "", public room = Infinity) {
    this.peerIdentity = enc(announced);
  }
  checkWrite(): boolean {
    return !this.terminated && this.sent.length < this.room;
  }
  write(msg: Uint8Array[]): boolean {
    if (!this.checkWrite()) return false;
    this.sent.push(msg);
    return true;
  }
  flush(): void {}
  checkRead(): boolean {
    return this.inbox.length > 0;
  }
  read(): Uint8Array<ArrayBuffer>[] | null {
    return this.inbox.shift() ?? null;
  }
}

/** An XREP over live options, as SocketCore gives it. */
function router(mandatory: boolean) {
  const options = {
    sndhwm: 1000,
    rcvhwm: 1000,
    identity: new Uint8Array(0),
    surveyTimeout: -1,
    filter: 1,
    protocol: 0,
    routerMandatory: mandatory ? 1 : 0,
  };
  return { x: new XRep({ options }), options };
}

test("xrep mandatory: unknown and departed peers EHOSTUNREACH, a full one EAGAIN, a lone address dropped", () => {
  const { x, options } = router(true);
  assert.equal(x.hasOut(), false, "no peer: nothing has room");
  const a = new FakePipe(1, "a", 1), b = new FakePipe(2, "b");
  x.attach(a);
  x.attach(b);
  assert.equal(x.send([enc("zz"), enc("m")]), EHOSTUNREACH);
  assert.equal(x.sendable(enc("zz"), true), EHOSTUNREACH);
  assert.equal(x.send([enc("a")]), 0, "a lone address is dropped, not refused");
  assert.equal(x.sendable(enc("zz"), false), 0);
  assert.equal(x.send([enc("a"), enc("1")]), 0);
  assert.equal(x.sendable(enc("a"), true), EAGAIN);
  assert.equal(x.send([enc("a"), enc("2")]), EAGAIN);
  assert.equal(x.hasOut(), true, "b still has room");
  b.room = 0;
  assert.equal(x.hasOut(), false);
  assert.equal(x.send([new Uint8Array(256).fill(1), enc("x")]), EHOSTUNREACH);
  // Gone for good, unread messages left (still attached): EHOSTUNREACH, as libzmq.
  b.terminated = true;
  assert.equal(x.send([enc("b"), enc("x")]), EHOSTUNREACH);
  x.detach(b);
  assert.equal(x.send([enc("b"), enc("x")]), EHOSTUNREACH);
  assert.deepEqual(a.sent.map(txt), ["1"]);
  // Off again (read at each call): dropped, and always writable.
  options.routerMandatory = 0;
  assert.equal(x.send([enc("a"), enc("3")]), 0);
  assert.equal(x.send([enc("zz"), enc("m")]), 0);
  assert.equal(x.hasOut(), true);
  assert.deepEqual(a.sent.map(txt), ["1"]);
});

test("xrep routing id given at connect: routed by it from the start, announcements ignored", () => {
  const { x } = router(true);
  const given = new FakePipe(1);
  given.routingId = enc("srv");
  x.attach(given);
  assert.equal(x.routes(enc("srv")), true);
  assert.equal(x.send([enc("srv"), enc("early")]), 0);
  // The connection comes up and its peer announces an identity of its own.
  given.peerIdentity = enc("announced");
  x.pipeUp(given);
  assert.equal(x.routes(enc("announced")), false);
  assert.equal(x.send([enc("announced"), enc("x")]), EHOSTUNREACH);
  assert.equal(x.send([enc("srv"), enc("late")]), 0);
  assert.deepEqual(given.sent.map(txt), ["early", "late"]);
  given.inbox.push([enc("reply")]);
  assert.equal(txt(x.recv() as Uint8Array[]), "srv|reply");
  // Another peer announcing that id is refused; one of its own is routed.
  assert.equal(x.accepts(new FakePipe(2, "srv")), false);
  const other = new FakePipe(3, "other");
  assert.equal(x.accepts(other), true);
  x.attach(other);
  assert.equal(x.routes(enc("other")), true);
  x.detach(given);
  assert.equal(x.routes(enc("srv")), false);
});
