/**
 * Tests of lib/pipe/subscription.ts: the 4-byte subscription message that crosses the
 * thread boundary (docs/behaviour.md §4.5).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  CMD_SUBSCRIBE,
  CMD_UNSUBSCRIBE,
  encodeSubscription,
  FILTER_PREFIX,
  FILTER_TOPIC,
  parseSubscription,
} from "../../lib/pipe/mod.ts";

const enc = (s: string) => new TextEncoder().encode(s);

test("subscription message: big-endian command and filter id, then the body", () => {
  const m = encodeSubscription(CMD_UNSUBSCRIBE, FILTER_TOPIC, enc("a.*"));
  assert.deepEqual([...m], [0, 2, 0, 2, ...enc("a.*")]);
  assert.deepEqual([...encodeSubscription(1, 0x1234, enc(""))], [0, 1, 0x12, 0x34]);
});

test("subscription message: round-trips, and parsing refuses what is not one", () => {
  const s = parseSubscription(encodeSubscription(CMD_SUBSCRIBE, FILTER_PREFIX, enc("topic")))!;
  assert.equal(s.cmd, CMD_SUBSCRIBE);
  assert.equal(s.filter, FILTER_PREFIX);
  assert.equal(new TextDecoder().decode(s.body), "topic");
  assert.equal(parseSubscription(new Uint8Array(3)), null, "too short");
  assert.equal(parseSubscription(new Uint8Array([0, 3, 0, 1])), null, "unknown command");
  assert.equal(parseSubscription(new Uint8Array([1, 1, 0, 1])), null, "command 257");
});
