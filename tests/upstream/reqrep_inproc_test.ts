/**
 * Port of upstream `tests/reqrep_inproc.cpp` (crossroads-tests.md §3.4): REP bound, REQ
 * connected, `bounce` — a 2-part request and a 2-part reply. The empty delimiter REQ
 * adds and the routing envelope REP keeps are invisible to both applications. Upstream
 * endpoint `inproc://a`; here a scratch endpoint. Both faces; `bounce` compares every
 * part's bytes (stronger than upstream, which compares only the last).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { bounce, bounceC } from "./_testutil.ts";

test("reqrep_inproc: REQ/REP bounce over inproc on the C face", () => {
  // Given: sb = REP bound, sc = REQ connected to it.
  const ctx = xs.xs_init();
  assert.ok(ctx);
  const sb = xs.xs_socket(ctx, xs.XS_REP)!;
  assert.ok(sb);
  assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, 5000), 0);
  assert.notEqual(xs.xs_bind(sb, scratchEndpoint("inproc")), -1);
  const sc = xs.xs_socket(ctx, xs.XS_REQ)!;
  assert.ok(sc);
  assert.equal(xs.xs_setsockopt(sc, xs.XS_RCVTIMEO, 5000), 0);
  assert.notEqual(xs.xs_connect(sc, xs.xs_last_endpoint(sb)!), -1);
  // When/then: bounce's assertions.
  bounceC(sb, sc);
  assert.equal(xs.xs_close(sc), 0);
  assert.equal(xs.xs_close(sb), 0);
  assert.equal(xs.xs_term(ctx), 0);
}, { timeout: 15_000 });

test("reqrep_inproc: REQ/REP bounce over inproc on the idiomatic face", async () => {
  await using ctx = new Context();
  using sb = ctx.socket("REP"), sc = ctx.socket("REQ");
  await sb.bind(scratchEndpoint("inproc"));
  await sc.connect(sb.lastEndpoint);
  await bounce(sb, sc);
}, { timeout: 15_000 });
