/**
 * `XS_PROTOCOL` over inproc, as Crossroads 1.2.0 does it (docs/behaviour.md §4.6): an
 * inproc pipe takes the *connecting* socket's value for both ends (upstream
 * src/socket_base.cpp `connect` → `pipepair(..., options.protocol)`; xpub.cpp and
 * xsub.cpp read it per pipe), so both ends agree whatever the other side set. Every
 * combination: SUB/XSUB × PUB/XPUB, protocol 1 or the default on each side, either side
 * binding, bind before or after the connect (where the version is still the connector's).
 *
 * With a protocol-1 pipe the publisher sends everything and the subscriber side sends no
 * subscription (an XPUB hears of none); with a default pipe subscriptions flow and the
 * publisher filters. Seen through an XSUB subscribed to "A" only, a message "B" arrives
 * exactly when the pipe is protocol 1; a SUB's own filter drops "B" in either case.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
/** Subscribe to "A" with the prefix filter (docs/behaviour.md §4.5). */
const SUBSCRIBE_A = new Uint8Array([0, 1, 0, 1, 0x41]);

/** Everything received now (inproc delivers at once), as text. */
function drain(s: xs.XsSocket): string[] {
  const out: string[] = [];
  const buf = new Uint8Array(64);
  for (;;) {
    const n = xs.xs_recv(s, buf, buf.length, xs.XS_DONTWAIT);
    if (n < 0) {
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      return out;
    }
    out.push(dec.decode(buf.subarray(0, n)));
  }
}

const hex = (s: string) => [...enc.encode(s)].map((b) => b.toString(16).padStart(2, "0")).join("");

for (const subType of ["SUB", "XSUB"] as const) {
  for (const pubType of ["PUB", "XPUB"] as const) {
    for (const subProto of [0, 1]) {
      for (const pubProto of [0, 1]) {
        for (const binder of ["sub", "pub"] as const) {
          for (const connectFirst of [false, true]) {
            const pipeProto = binder === "sub" ? pubProto : subProto;
            const name = `inproc ${subType}(protocol ${subProto || "default"}) × ` +
              `${pubType}(protocol ${pubProto || "default"}), ${binder.toUpperCase()} binds` +
              `${connectFirst ? ", connect first" : ""}: the pipe is protocol ` +
              `${pipeProto || "default"} on both ends`;
            test(name, () => {
              const ctx = xs.xs_init();
              const sub = xs.xs_socket(ctx, xs[`XS_${subType}`])!;
              const pub = xs.xs_socket(ctx, xs[`XS_${pubType}`])!;
              try {
                if (subProto) assert.equal(xs.xs_setsockopt(sub, xs.XS_PROTOCOL, 1), 0);
                if (pubProto) assert.equal(xs.xs_setsockopt(pub, xs.XS_PROTOCOL, 1), 0);
                if (subType === "SUB") {
                  assert.equal(xs.xs_setsockopt(sub, xs.XS_SUBSCRIBE, enc.encode("A")), 0);
                } else {
                  assert.equal(xs.xs_send(sub, SUBSCRIBE_A, SUBSCRIBE_A.length, 0), 5);
                }
                const ep = scratchEndpoint("inproc");
                const [bound, connecting] = binder === "sub" ? [sub, pub] : [pub, sub];
                if (connectFirst) assert.equal(xs.xs_connect(connecting, ep), 0);
                assert.equal(xs.xs_bind(bound, ep), 0);
                if (!connectFirst) assert.equal(xs.xs_connect(connecting, ep), 0);

                if (pubType === "XPUB") {
                  const subs: string[] = [];
                  const buf = new Uint8Array(16);
                  for (let n; (n = xs.xs_recv(pub, buf, 16, xs.XS_DONTWAIT)) >= 0;) {
                    subs.push(
                      [...buf.subarray(0, n)].map((b) => b.toString(16).padStart(2, "0")).join(""),
                    );
                  }
                  assert.equal(xs.xs_errno(), xs.EAGAIN);
                  assert.deepEqual(
                    subs,
                    pipeProto ? [] : ["00010001" + hex("A")],
                    pipeProto ? "a protocol-1 pipe carries no subscription" : "the subscription",
                  );
                }
                for (const m of ["B", "A"]) assert.equal(xs.xs_send(pub, enc.encode(m), 1, 0), 1);
                const want = subType === "SUB" || !pipeProto ? ["A"] : ["B", "A"];
                assert.deepEqual(drain(sub), want);
              } finally {
                xs.xs_close(sub);
                xs.xs_close(pub);
                xs.xs_term(ctx);
              }
            });
          }
        }
      }
    }
  }
}

test("inproc: the pipe's protocol is the connector's value at its connect, not changed later", () => {
  const ctx = xs.xs_init();
  const sub = xs.xs_socket(ctx, xs.XS_XSUB)!, pub = xs.xs_socket(ctx, xs.XS_XPUB)!;
  try {
    const ep = scratchEndpoint("inproc");
    assert.equal(xs.xs_setsockopt(sub, xs.XS_PROTOCOL, 1), 0);
    assert.equal(xs.xs_connect(sub, ep), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_PROTOCOL, 0), 0);
    assert.equal(xs.xs_bind(pub, ep), 0);
    assert.equal(xs.xs_send(sub, SUBSCRIBE_A, 5, 0), 5);
    assert.equal(xs.xs_recv(pub, new Uint8Array(8), 8, xs.XS_DONTWAIT), -1, "no subscription");
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    assert.equal(xs.xs_send(pub, enc.encode("B"), 1, 0), 1);
    assert.deepEqual(drain(sub), ["B"], "everything is sent on a protocol-1 pipe");
  } finally {
    xs.xs_close(sub);
    xs.xs_close(pub);
    xs.xs_term(ctx);
  }
});
