/**
 * Tests of the routing helpers the socket types are built from (lib/protocols/_*.ts), on
 * fake pipes: the load balancer (round robin over pipes with room), the fair queue (round
 * robin over pipes with a message), the distributor (every pipe with room, inproc peers
 * get their own copy), and the subscription filters (prefix counts, topic patterns).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import type { Pipe } from "../../lib/pipe/mod.ts";
import { LoadBalancer } from "../../lib/protocols/_load_balancer.ts";
import { FairQueue } from "../../lib/protocols/_fair_queue.ts";
import { Distributor } from "../../lib/protocols/_distributor.ts";
import { PrefixFilter, TopicFilter, topicMatch } from "../../lib/protocols/_subscriptions.ts";
import { XPub } from "../../lib/protocols/xpub.ts";
import {
  CMD_SUBSCRIBE,
  CMD_UNSUBSCRIBE,
  encodeSubscription,
  FILTER_PREFIX,
  FILTER_TOPIC,
} from "../../lib/pipe/mod.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const txt = (m: Uint8Array[]) => m.map((p) => new TextDecoder().decode(p)).join("|");

/** A pipe with a bounded outbound queue and a scripted inbound one. */
class FakePipe implements Pipe {
  peerIdentity = new Uint8Array(0);
  peerType: string | null = null;
  peerVersion: string | null = null;
  properties: Record<string, string> | null = null;
  connections = 1;
  tag: unknown = null;
  terminated = false;
  sent: Uint8Array[][] = [];
  inbox: Uint8Array<ArrayBuffer>[][] = [];
  flushes = 0;
  constructor(readonly id: number, public room = Infinity) {}
  checkWrite(): boolean {
    return this.sent.length < this.room;
  }
  write(msg: Uint8Array[]): boolean {
    if (!this.checkWrite()) return false;
    this.sent.push(msg);
    return true;
  }
  flush(): void {
    this.flushes++;
  }
  checkRead(): boolean {
    return this.inbox.length > 0;
  }
  read(): Uint8Array<ArrayBuffer>[] | null {
    return this.inbox.shift() ?? null;
  }
}

test("load balancer: round robin, skipping pipes without room, false when none has any", () => {
  const lb = new LoadBalancer();
  const a = new FakePipe(1), b = new FakePipe(2, 1), c = new FakePipe(3);
  for (const p of [a, b, c]) lb.attach(p);
  for (let i = 0; i < 7; i++) assert.ok(lb.send([enc(`${i}`)]));
  assert.deepEqual(a.sent.map(txt), ["0", "3", "5"]);
  assert.deepEqual(b.sent.map(txt), ["1"], "b is full after one");
  assert.deepEqual(c.sent.map(txt), ["2", "4", "6"]);
  a.room = c.room = 3;
  assert.equal(lb.hasOut(), false);
  assert.equal(lb.send([enc("x")]), false);
});

test("load balancer: detaching a pipe keeps the rotation going with the rest", () => {
  const lb = new LoadBalancer();
  const a = new FakePipe(1), b = new FakePipe(2), c = new FakePipe(3);
  for (const p of [a, b, c]) lb.attach(p);
  lb.send([enc("0")]); // a
  lb.send([enc("1")]); // b
  lb.detach(b);
  lb.send([enc("2")]);
  lb.send([enc("3")]);
  assert.deepEqual([a.sent.map(txt), c.sent.map(txt)], [["0", "3"], ["2"]]);
  lb.detach(a);
  lb.detach(c);
  assert.equal(lb.send([enc("4")]), false, "no pipe at all");
});

test("fair queue: one message per pipe in turn, and it remembers where each came from", () => {
  const fq = new FairQueue();
  const a = new FakePipe(1), b = new FakePipe(2);
  a.inbox = [[enc("a1")], [enc("a2")], [enc("a3")]];
  b.inbox = [[enc("b1")]];
  fq.attach(a);
  fq.attach(b);
  const got: string[] = [];
  const from: number[] = [];
  for (let m; (m = fq.recv());) {
    got.push(txt(m));
    from.push(fq.last!.id);
  }
  assert.deepEqual(got, ["a1", "b1", "a2", "a3"]);
  assert.deepEqual(from, [1, 2, 1, 1]);
  assert.equal(fq.hasIn(), false);
  b.inbox.push([enc("b2")]);
  assert.equal(fq.hasIn(), true);
});

test("distributor: every pipe with room gets the message; inproc peers get copies", () => {
  const d = new Distributor();
  const a = new FakePipe(1), b = new FakePipe(2, 0), c = new FakePipe(3), e = new FakePipe(4);
  c.peerVersion = "inproc";
  for (const p of [a, b, c, e]) d.attach(p);
  const msg = [enc("news")];
  assert.equal(d.sendToAll(msg), 3, "b has no room");
  assert.equal(a.sent[0], msg, "a wire pipe takes the very array (its ring copies it)");
  assert.notEqual(c.sent[0]![0], msg[0], "an inproc peer would read the sender's array");
  assert.deepEqual(c.sent[0], msg);
  assert.equal(a.flushes, 0, "each pipe publishes at the end of the burst by itself");
  assert.equal(d.sendTo(msg, [e]), 1);
  assert.equal(e.sent[1], msg, "one recipient: no copy needed");
});

test("prefix filter: counted subscriptions, matches by prefix, removeAll per subscriber", () => {
  const f = new PrefixFilter<string>();
  assert.equal(f.add(enc("a"), "s1"), true, "first subscription of a prefix");
  assert.equal(f.add(enc("a"), "s1"), false, "a second one only counts");
  f.add(enc("ab"), "s2");
  f.add(enc(""), "s3");
  const hits = (data: string) => {
    const h: string[] = [];
    f.match(enc(data), (s) => h.push(s));
    return h.sort();
  };
  assert.deepEqual(hits("abc"), ["s1", "s2", "s3"]);
  assert.deepEqual(hits("b"), ["s3"]);
  assert.equal(f.remove(enc("a"), "s1"), false, "still counted once");
  assert.deepEqual(hits("a"), ["s1", "s3"]);
  assert.equal(f.remove(enc("a"), "s1"), true, "last one gone");
  assert.deepEqual(hits("a"), ["s3"]);
  f.removeAll("s3");
  assert.equal(f.matches(enc("zzz")), false);
  assert.equal(f.matches(enc("abz")), true);
});

test("topic filter: dot-separated elements, '*' matches one element", () => {
  assert.equal(topicMatch(enc("a.*.c"), enc("a.b.c")), true);
  assert.equal(topicMatch(enc("a.*.c"), enc("a.b.d")), false);
  const f = new TopicFilter<number>();
  f.add(enc("weather.*"), 1);
  assert.equal(f.matches(enc("weather.paris")), true);
  assert.equal(f.matches(enc("sport.paris")), false);
  assert.equal(f.remove(enc("weather.*"), 1), true);
  assert.equal(f.matches(enc("weather.paris")), false);
});

test("xpub: who gets a message follows every subscription change, also while nothing depends on the bytes", () => {
  const host = {
    options: {
      sndhwm: 0,
      rcvhwm: 0,
      identity: new Uint8Array(0),
      surveyTimeout: -1,
      filter: FILTER_PREFIX,
      protocol: 2,
    },
  };
  const x = new XPub(host);
  const a = new FakePipe(1), b = new FakePipe(2);
  x.attach(a);
  x.attach(b);
  const sub = (p: FakePipe, cmd: number, body: string, filter = FILTER_PREFIX) =>
    p.inbox.push([encodeSubscription(cmd, filter, enc(body))]);
  const send = (t: string) => {
    a.sent = [];
    b.sent = [];
    x.send([enc(t)]);
    return [a.sent.map(txt).join(), b.sent.map(txt).join()];
  };
  assert.deepEqual(send("m0"), ["", ""], "nobody subscribed");
  sub(a, CMD_SUBSCRIBE, "");
  assert.deepEqual(send("m1"), ["m1", ""]);
  assert.deepEqual(send("m2"), ["m2", ""], "the same recipients again");
  sub(b, CMD_SUBSCRIBE, "");
  assert.deepEqual(send("m3"), ["m3", "m3"], "a new subscriber is seen at once");
  sub(b, CMD_UNSUBSCRIBE, "");
  assert.deepEqual(send("m4"), ["m4", ""], "and one that left");
  sub(b, CMD_SUBSCRIBE, "k");
  assert.deepEqual(send("k5"), ["k5", "k5"], "a prefix: matched per message");
  assert.deepEqual(send("z6"), ["z6", ""]);
  sub(b, CMD_UNSUBSCRIBE, "k");
  sub(b, CMD_SUBSCRIBE, "k.*", FILTER_TOPIC);
  assert.deepEqual(send("k.7"), ["k.7", "k.7"], "a topic pattern: matched per message");
  assert.deepEqual(send("z8"), ["z8", ""]);
  x.detach(a);
  assert.deepEqual(send("k.9"), ["", "k.9"], "a detached pipe gets nothing");
});
