/**
 * Identities between an identity-sending socket (REQ, REP, XREQ/DEALER, XREP/ROUTER) and
 * one of another family, as Crossroads 1.2.0 delivers them (docs/behaviour.md §4.2,
 * §10.4; lib/core/inproc.ts):
 *
 * - inproc (upstream src/socket_base.cpp `connect`): the identity-sending side puts its
 *   XS_IDENTITY into the new pipe as a first message; a PULL, PAIR... receives it as an
 *   ordinary single-part message (upstream then aborts in `extract_flags`; over tcp it is
 *   a message like any other), before whatever follows (a REQ's request arrives as
 *   ["", body]). A socket of the other family sends no identity: a ROUTER gives a PUSH a
 *   generated id whatever the PUSH's XS_IDENTITY says, and a DEALER gets its messages as
 *   they are.
 * - tcp in the `xs1` wire mode (what a Crossroads peer speaks; docs/wire.md §4.4): the same
 *   identity frame reaches the PULL as a message; and a ROUTER's session takes a PUSH's
 *   first message as the PUSH's identity (upstream session_base `recv_identity`), the
 *   upstream difference between the two transports.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** The next whole message (parts as text), waiting up to the socket's XS_RCVTIMEO. */
function recvMsg(s: xs.XsSocket): string[] | null {
  const parts: string[] = [];
  const m = new xs.xs_msg_t();
  xs.xs_msg_init(m);
  try {
    for (;;) {
      if (xs.xs_recvmsg(s, m, 0) < 0) {
        assert.equal(xs.xs_errno(), xs.EAGAIN, xs.xs_strerror(xs.xs_errno()));
        assert.equal(parts.length, 0, "a message never ends half-way");
        return null;
      }
      parts.push(dec.decode(xs.xs_msg_data(m)));
      const v = new Int32Array(1);
      xs.xs_getmsgopt(m, xs.XS_MORE, v, { value: 4 });
      if (!v[0]) return parts;
    }
  } finally {
    xs.xs_msg_close(m);
  }
}

function send(s: xs.XsSocket, ...parts: string[]): void {
  parts.forEach((p, i) => {
    const flags = i < parts.length - 1 ? xs.XS_SNDMORE : 0;
    assert.equal(xs.xs_send(s, enc.encode(p), p.length, flags), p.length);
  });
}

/** Two sockets of `ctx`: `a` binds or connects per `aBinds`, optionally connecting first. */
function pair(
  scheme: "inproc" | "tcp",
  aType: number,
  bType: number,
  opts: { aBinds: boolean; connectFirst?: boolean; aId?: string; bId?: string; wire?: number },
) {
  const ctx = xs.xs_init();
  const a = xs.xs_socket(ctx, aType)!, b = xs.xs_socket(ctx, bType)!;
  for (const [s, id] of [[a, opts.aId], [b, opts.bId]] as const) {
    assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, scheme === "tcp" ? 2000 : 0), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
    if (id !== undefined) assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, enc.encode(id)), 0);
    if (opts.wire !== undefined) assert.equal(xs.xs_setsockopt(s, xs.XS_WIRE_MODE, opts.wire), 0);
  }
  const [bound, connecting] = opts.aBinds ? [a, b] : [b, a];
  let ep = scratchEndpoint(scheme);
  if (opts.connectFirst) assert.equal(xs.xs_connect(connecting, ep), 0);
  assert.ok(xs.xs_bind(bound, ep) >= 0, xs.xs_strerror(xs.xs_errno()));
  ep = xs.xs_last_endpoint(bound)!;
  if (!opts.connectFirst) assert.ok(xs.xs_connect(connecting, ep) >= 0);
  const end = () => {
    xs.xs_close(a);
    xs.xs_close(b);
    assert.equal(xs.xs_term(ctx), 0);
  };
  return { a, b, end };
}

const TOPOLOGIES = [
  { aBinds: true, connectFirst: false, name: "the receiver binds" },
  { aBinds: false, connectFirst: false, name: "the receiver connects" },
  { aBinds: true, connectFirst: true, name: "the receiver binds after the connect" },
  { aBinds: false, connectFirst: true, name: "the receiver connects before the bind" },
];

for (const topo of TOPOLOGIES) {
  test(`inproc REQ → PULL, ${topo.name}: the REQ's identity, then ["", body]`, () => {
    const { a: pull, b: req, end } = pair("inproc", xs.XS_PULL, xs.XS_REQ, { ...topo, bId: "R" });
    try {
      send(req, "body");
      assert.deepEqual(recvMsg(pull), ["R"]);
      assert.deepEqual(recvMsg(pull), ["", "body"]);
      assert.equal(recvMsg(pull), null);
    } finally {
      end();
    }
  });

  test(`inproc DEALER → PULL and PAIR, ${topo.name}: an empty identity arrives as an empty message`, () => {
    for (const to of [xs.XS_PULL, xs.XS_PAIR]) {
      const { a: recv, b: dealer, end } = pair("inproc", to, xs.XS_XREQ, topo);
      try {
        send(dealer, "x", "y");
        assert.deepEqual(recvMsg(recv), [""]);
        assert.deepEqual(recvMsg(recv), ["x", "y"]);
        assert.equal(recvMsg(recv), null);
      } finally {
        end();
      }
    }
  });

  test(`inproc ROUTER and REP → PULL, ${topo.name}: the PULL gets their identity only`, () => {
    for (const from of [xs.XS_XREP, xs.XS_REP]) {
      const { a: pull, end } = pair("inproc", xs.XS_PULL, from, { ...topo, bId: "srv" });
      try {
        assert.deepEqual(recvMsg(pull), ["srv"]);
        assert.equal(recvMsg(pull), null);
      } finally {
        end();
      }
    }
  });

  test(`inproc PUSH → ROUTER, ${topo.name}: a generated id, the PUSH's XS_IDENTITY ignored, every message kept`, () => {
    const { a: router, b: push, end } = pair("inproc", xs.XS_XREP, xs.XS_PUSH, {
      ...topo,
      bId: "P",
    });
    try {
      send(push, "m1");
      send(push, "m2");
      const m1 = recvMsg(router)!, m2 = recvMsg(router)!;
      assert.equal(m1.length, 2);
      assert.equal(m1[1], "m1");
      assert.notEqual(m1[0], "P", "the PUSH announced no identity");
      assert.equal(enc.encode(m1[0]!)[0], 0, "a generated id: 00 + u32");
      assert.deepEqual(m2, [m1[0], "m2"]);
    } finally {
      end();
    }
  });

  test(`inproc PUSH → DEALER, ${topo.name}: no identity message, the messages as sent`, () => {
    const { a: dealer, b: push, end } = pair("inproc", xs.XS_XREQ, xs.XS_PUSH, {
      ...topo,
      bId: "P",
    });
    try {
      send(push, "m1");
      send(push, "a", "b");
      assert.deepEqual(recvMsg(dealer), ["m1"]);
      assert.deepEqual(recvMsg(dealer), ["a", "b"]);
      assert.equal(recvMsg(dealer), null);
    } finally {
      end();
    }
  });
}

test("inproc: the identity pair of the request/reply family stays out of band (REQ → REP)", () => {
  const { a: rep, b: req, end } = pair("inproc", xs.XS_REP, xs.XS_REQ, { aBinds: true, bId: "R" });
  try {
    send(req, "q");
    assert.deepEqual(recvMsg(rep), ["q"]);
    send(rep, "a");
    assert.deepEqual(recvMsg(req), ["a"]);
  } finally {
    end();
  }
});

for (const aBinds of [true, false]) {
  const who = aBinds ? "the PULL binds" : "the PULL connects";
  test(`tcp (xs1 wire) REQ → PULL, ${who}: the identity frame arrives as a message, then ["", body]`, () => {
    const { a: pull, b: req, end } = pair("tcp", xs.XS_PULL, xs.XS_REQ, {
      aBinds,
      bId: "R",
      wire: xs.XS_WIRE_XS1,
    });
    try {
      send(req, "body");
      assert.deepEqual(recvMsg(pull), ["R"]);
      assert.deepEqual(recvMsg(pull), ["", "body"]);
    } finally {
      end();
    }
  });

  test(`tcp (xs1 wire) PUSH → ROUTER, ${who.replace("PULL", "ROUTER")}: the first message is taken as the PUSH's identity`, () => {
    const { a: router, b: push, end } = pair("tcp", xs.XS_XREP, xs.XS_PUSH, {
      aBinds,
      wire: xs.XS_WIRE_XS1,
    });
    try {
      send(push, "first");
      send(push, "second");
      assert.deepEqual(recvMsg(router), ["first", "second"]);
    } finally {
      end();
    }
  });
}
