/**
 * Tests of lib/security/z85.ts (ZeroMQ RFC 32) and lib/security/keys.ts: the RFC's vector,
 * round trips, refusal of malformed text, the known key pairs of docs/security.md §6, how key
 * options are read, and that error messages never quote a key.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { z85Decode, z85Encode } from "../../lib/security/z85.ts";
import { curveKeyPair, curvePublicKey, parseKey } from "../../lib/security/keys.ts";
import { randomBytes } from "../../lib/security/crypto.ts";
import { ascii, cat, hex } from "../wire/_hex.ts";

const KNOWN_PAIRS: [secret: string, pub: string][] = [
  ["JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"],
  ["D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"],
];

test("Z85 matches RFC 32's vector both ways", () => {
  assert.equal(z85Encode(hex("86 4F D2 6F B5 59 F7 5B")), "HelloWorld");
  assert.deepEqual(z85Decode("HelloWorld"), hex("86 4F D2 6F B5 59 F7 5B"));
  assert.equal(z85Encode(new Uint8Array(0)), "");
  assert.deepEqual(z85Decode(""), new Uint8Array(0));
  assert.equal(z85Encode(hex("00 00 00 00")), "00000");
  assert.equal(z85Encode(hex("FF FF FF FF")), "%nSc0");
  assert.deepEqual(z85Decode("%nSc0"), hex("FF FF FF FF"));
});

test("random 32-byte keys round-trip through 40 Z85 characters", () => {
  for (let i = 0; i < 200; i++) {
    const k = randomBytes(32);
    const text = z85Encode(k);
    assert.equal(text.length, 40);
    assert.match(text, /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/);
    assert.deepEqual(z85Decode(text), k);
  }
});

test("Z85 refuses bad lengths, characters outside the alphabet and groups over 32 bits", () => {
  assert.throws(() => z85Encode(new Uint8Array(3)), RangeError);
  for (const bad of ["Hell", "HelloWorl", "HelloWorld1"]) assert.equal(z85Decode(bad), null, bad);
  for (
    const bad of ["Hell~", "Hel o", 'Hel"o', "Hel\\o", "Hel,o", "Hel;o", "Hel_o", "Hel`o", "Hel|o"]
  ) {
    assert.equal(z85Decode(bad), null, bad);
  }
  assert.equal(z85Decode("Hell\u00e9"), null);
  assert.equal(z85Decode("Hell\u0100"), null);
  assert.equal(z85Decode("#####"), null); // 85^5 - 1 > 2^32 - 1
  assert.equal(z85Decode("%nSc1"), null); // 2^32
  assert.equal(z85Decode("HelloWorld#####"), null);
});

test("curvePublicKey gives the known pairs of docs/security.md §6", () => {
  for (const [secret, pub] of KNOWN_PAIRS) {
    assert.equal(curvePublicKey(secret), pub);
    assert.equal(curvePublicKey(z85Decode(secret)!), pub);
    assert.equal(curvePublicKey(secret + "\0"), pub);
  }
});

test("parseKey accepts 40 characters, 41 with a NUL, 32 bytes and 40 or 41 Z85 bytes", () => {
  const [secret] = KNOWN_PAIRS[0]!;
  const raw = z85Decode(secret)!;
  assert.deepEqual(parseKey(secret), raw);
  assert.deepEqual(parseKey(secret + "\0"), raw);
  assert.deepEqual(parseKey(ascii(secret)), raw);
  assert.deepEqual(parseKey(cat(ascii(secret), hex("00"))), raw);
  assert.deepEqual(parseKey(raw.buffer.slice(0)), raw);
  const copy = parseKey(raw);
  assert.deepEqual(copy, raw);
  assert.notEqual(copy, raw, "a copy, not the caller's array");
});

test("parseKey refuses wrong lengths and bad Z85 without quoting the key", () => {
  const [secret] = KNOWN_PAIRS[0]!;
  const cases: unknown[] = [
    secret.slice(0, 39),
    secret + "x",
    secret + "\0\0",
    secret.slice(0, 39) + "~",
    secret.slice(0, 35) + "#####",
    ascii(secret.slice(0, 39) + "~"),
    cat(ascii(secret), hex("01")),
    new Uint8Array(31),
    new Uint8Array(33),
    "",
    42,
    null,
  ];
  for (const value of cases) {
    const r = parseKey(value);
    assert.equal(typeof r, "string", `${String(value).length} accepted`);
    const msg = r as string;
    assert.ok(msg.length > 0);
    assert.ok(!msg.includes(secret.slice(0, 8)), `message quotes the key: ${msg}`);
    assert.ok(!msg.includes(secret.slice(20, 28)), `message quotes the key: ${msg}`);
  }
  assert.throws(() => curvePublicKey(secret.slice(0, 39) + "~"), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.ok(!e.message.includes(secret.slice(0, 8)));
    return true;
  });
});

test("curveKeyPair gives distinct valid pairs", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const { publicKey, secretKey } = curveKeyPair();
    assert.equal(publicKey.length, 40);
    assert.equal(secretKey.length, 40);
    assert.equal(z85Decode(publicKey)?.length, 32);
    assert.equal(z85Decode(secretKey)?.length, 32);
    assert.equal(curvePublicKey(secretKey), publicKey);
    assert.notEqual(publicKey, secretKey);
    assert.ok(!seen.has(secretKey) && !seen.has(publicKey));
    seen.add(secretKey);
    seen.add(publicKey);
  }
});
