/**
 * Tests of lib/security/zap.ts: ZAP (ZeroMQ RFC 27) frames as docs/security.md §7 gives
 * them: the request of a libzmq PLAIN server byte for byte, the checks libzmq applies to a
 * reply (frame count, version, request id, status code, metadata), and the handler side
 * (`parseZapRequest`, `zapReplyFrames`) round-tripping with the asking side.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  parseZapReply,
  parseZapRequest,
  ZAP_ENDPOINT,
  zapReplyFrames,
  zapRequestFrames,
} from "../../lib/security/zap.ts";
import { encodeMetadata } from "../../lib/wire/metadata.ts";
import { ascii, hex } from "../wire/_hex.ts";

/** Frames of ASCII text. */
function texts(...s: string[]): Uint8Array[] {
  return s.map(ascii);
}

/** A reply as libzmq's handler would send it; `over` replaces frames by index. */
function reply(over: Record<number, Uint8Array> = {}): Uint8Array[] {
  const f = [...texts("1.0", "1", "200", "OK", "admin"), new Uint8Array(0)];
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v;
  return f;
}

test("the endpoint is RFC 27's", () => {
  assert.equal(ZAP_ENDPOINT, "inproc://zeromq.zap.01");
});

test("a PLAIN request is the libzmq capture frame for frame", () => {
  const frames = zapRequestFrames({
    requestId: "1",
    domain: "global",
    address: "127.0.0.1",
    identity: ascii("SRV"),
    request: { mechanism: "PLAIN", credentials: texts("admin", "secret") },
  });
  assert.deepEqual(
    frames,
    texts("1.0", "1", "global", "127.0.0.1", "SRV", "PLAIN", "admin", "secret"),
  );
});

test("NULL and CURVE requests carry no credentials and the 32-byte key", () => {
  const base = { requestId: "1", domain: "", address: "::1", identity: new Uint8Array(0) };
  const nul = zapRequestFrames({ ...base, request: { mechanism: "NULL", credentials: [] } });
  assert.deepEqual(nul, [...texts("1.0", "1", "", "::1"), new Uint8Array(0), ascii("NULL")]);
  const key = new Uint8Array(32).fill(9);
  const curve = zapRequestFrames({ ...base, request: { mechanism: "CURVE", credentials: [key] } });
  assert.equal(curve.length, 7);
  assert.deepEqual(curve[5], ascii("CURVE"));
  assert.deepEqual(curve[6], key);
});

test("a good reply is read, metadata included", () => {
  const ok = parseZapReply(reply(), "1");
  assert.ok(typeof ok !== "string", String(ok));
  assert.equal(ok.status, "200");
  assert.equal(ok.text, "OK");
  assert.equal(ok.userId, "admin");
  assert.equal(ok.metadata.size, 0);
  const meta = encodeMetadata([["Hello", ascii("World")], ["X-Empty", new Uint8Array(0)]]);
  const withMeta = parseZapReply(reply({ 4: ascii("Ünïcode"), 5: meta }), "1");
  assert.ok(typeof withMeta !== "string", String(withMeta));
  assert.equal(withMeta.userId, "Ünïcode");
  assert.deepEqual(withMeta.metadata.get("hello"), ascii("World"));
  assert.deepEqual(withMeta.metadata.get("x-empty"), new Uint8Array(0));
  meta.fill(0); // the answer holds copies
  assert.deepEqual(withMeta.metadata.get("hello"), ascii("World"));
  for (const code of ["300", "400", "500"]) {
    const r = parseZapReply(reply({ 2: ascii(code), 3: ascii("No access") }), "1");
    assert.ok(typeof r !== "string", String(r));
    assert.equal(r.status, code);
    assert.equal(r.text, "No access");
  }
  const id = parseZapReply(reply({ 1: ascii("req-42") }), "req-42");
  assert.ok(typeof id !== "string");
});

test("a wrong version, request id or frame count is refused in words", () => {
  assert.equal(
    parseZapReply(reply({ 0: ascii("1.1") }), "1"),
    'ZAP reply version "1.1" is not "1.0"',
  );
  assert.equal(typeof parseZapReply(reply({ 0: ascii("") }), "1"), "string");
  assert.equal(
    parseZapReply(reply({ 1: ascii("2") }), "1"),
    'ZAP reply request id "2" does not match the request\'s',
  );
  assert.equal(typeof parseZapReply(reply({ 1: ascii("1 ") }), "1"), "string");
  assert.equal(parseZapReply(reply().slice(0, 5), "1"), "ZAP reply has 5 frames, expected 6");
  assert.equal(
    parseZapReply([...reply(), new Uint8Array(0)], "1"),
    "ZAP reply has 7 frames, expected 6",
  );
  assert.equal(parseZapReply([], "1"), "ZAP reply has 0 frames, expected 6");
});

test("a status code other than 200, 300, 400, 500 is refused", () => {
  for (const code of ["250", "600", "20", "2000", "100", "000", "20 ", "abc", "", "２00"]) {
    const r = parseZapReply(reply({ 2: ascii(code) }), "1");
    assert.equal(typeof r, "string", `status "${code}" accepted`);
    assert.match(r as string, /status code/);
  }
  assert.equal(
    parseZapReply(reply({ 2: ascii("250") }), "1"),
    'ZAP reply status code "250" is not 200, 300, 400 or 500',
  );
  assert.equal(
    parseZapReply(reply({ 2: hex("32 30 0A") }), "1"),
    'ZAP reply status code "20\\x0a" is not 200, 300, 400 or 500',
  );
});

test("malformed metadata and a non-UTF-8 user id are refused", () => {
  assert.equal(
    parseZapReply(reply({ 5: hex('05 "Hello" 00 00 00 09 "World"') }), "1"),
    "ZAP reply metadata is malformed",
  );
  assert.equal(typeof parseZapReply(reply({ 5: hex("00") }), "1"), "string");
  assert.equal(
    parseZapReply(reply({ 4: hex("FF FE") }), "1"),
    "ZAP reply user id is not valid UTF-8",
  );
});

test("parseZapRequest reads what zapRequestFrames writes", () => {
  const key = new Uint8Array(32).fill(3);
  const frames = zapRequestFrames({
    requestId: "17",
    domain: "global",
    address: "192.168.1.2",
    identity: ascii("SRV"),
    request: { mechanism: "CURVE", credentials: [key] },
  });
  const r = parseZapRequest(frames);
  assert.ok(typeof r !== "string", String(r));
  assert.deepEqual(r, {
    version: "1.0",
    requestId: "17",
    domain: "global",
    address: "192.168.1.2",
    identity: ascii("SRV"),
    mechanism: "CURVE",
    credentials: [key],
  });
  assert.equal(frames[6], key, "request frames take the credentials by reference");
  frames[6]!.fill(0); // the parsed request holds copies
  assert.deepEqual(r.credentials[0], new Uint8Array(32).fill(3));
  const capture = parseZapRequest(
    texts("1.0", "1", "global", "127.0.0.1", "SRV", "PLAIN", "admin", "secret"),
  );
  assert.ok(typeof capture !== "string");
  assert.equal(capture.mechanism, "PLAIN");
  assert.deepEqual(capture.credentials, texts("admin", "secret"));
});

test("parseZapRequest leaves version and mechanism to the handler, refuses what it cannot read", () => {
  const odd = parseZapRequest(texts("2.0", "9", "", "", "", "GSSAPI"));
  assert.ok(typeof odd !== "string");
  assert.equal(odd.version, "2.0");
  assert.equal(odd.mechanism, "GSSAPI");
  assert.deepEqual(odd.credentials, []);
  assert.equal(
    parseZapRequest(texts("1.0", "1", "", "", "")),
    "ZAP request has 5 frames, expected at least 6",
  );
  const badId = texts("1.0", "1", "", "", "", "NULL");
  badId[1] = hex("C3 28");
  assert.equal(parseZapRequest(badId), "ZAP request request id is not valid UTF-8");
});

test("zapReplyFrames round-trips through parseZapReply", () => {
  const frames = zapReplyFrames("1", "200", "OK", "admin", new Map([["Role", ascii("ops")]]));
  assert.deepEqual(frames.slice(0, 5), texts("1.0", "1", "200", "OK", "admin"));
  assert.deepEqual(frames[5], hex('04 "Role" 00 00 00 03 "ops"'));
  const r = parseZapReply(frames, "1");
  assert.ok(typeof r !== "string", String(r));
  assert.deepEqual(r, {
    status: "200",
    text: "OK",
    userId: "admin",
    metadata: new Map([["role", ascii("ops")]]),
  });
  const pairs = zapReplyFrames("x", "400", "Denied", "", [["A", ascii("1")], ["B", ascii("2")]]);
  assert.deepEqual(pairs[5], hex('01 "A" 00 00 00 01 "1" 01 "B" 00 00 00 01 "2"'));
  assert.deepEqual(zapReplyFrames("1", "500", "", "")[5], new Uint8Array(0));
  const denied = parseZapReply(pairs, "x");
  assert.ok(typeof denied !== "string");
  assert.equal(denied.status, "400");
  assert.equal(denied.metadata.size, 2);
});

test("zapReplyFrames refuses a status code libzmq would not accept", () => {
  for (const bad of ["250", "600", "20", "ok", ""]) {
    assert.throws(() => zapReplyFrames("1", bad, "", ""), RangeError);
  }
  assert.throws(() => zapReplyFrames("1", "200", "", "", [["", ascii("x")]]), RangeError);
});
