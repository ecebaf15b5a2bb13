/**
 * Tests of lib/security/crypto.ts against every CURVE test vector of docs/security.md §6
 * (computed with libsodium): the long-term and transient public keys, `beforenm`, the
 * HELLO box, K and the client MESSAGE box; plus tampering and `sameBytes`.
 *
 * Runs on: the test runner's main thread.
 */
import { readFileSync } from "node:fs";
import { assert, test } from "../_harness.ts";
import {
  BOX_OVERHEAD,
  boxKey,
  KEY_BYTES,
  newKeyPair,
  NONCE_BYTES,
  open,
  publicKeyOf,
  randomBytes,
  sameBytes,
  seal,
} from "../../lib/security/crypto.ts";
import { ascii, cat, hex } from "../wire/_hex.ts";

/** Bytes first, first + 1, ..., first + 31. */
function run32(first: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => first + i);
}

const s = run32(0x01);
const S = hex("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c");
const cT = run32(0x21); // c′
const CT = hex("5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b"); // C′
const BEFORENM_S_cT = hex("ec88f6e13b22bf9f04d480e0d8525c08ac7e2f48e212742bcbcafa104a74b08d");
const HELLO_BOX = hex(
  "12826ef9316cbf19f1a011a58edbb7c54e6456cf81cd28fbf49365cd4055ca16" +
    "71d321df4325689aab38109005535e57943f90769e3c4733514a0644f0bee582" +
    "7091af0142c6cbc296cf9c187eebfd8e",
);
const sT = run32(0x41); // s′
const ST = hex("64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466"); // S′
const K = hex("333eb29d53c51accd045b6f4a9cfe9db6c3b2424a5136c760dd93ffd3982a83f");
const MESSAGE_BOX = hex("45159c3f469cbabe59f9bee9dc9124ef56c3bead8cc4");

const helloNonce = cat(ascii("CurveZMQHELLO---"), hex("00 00 00 00 00 00 00 01"));
const messageNonce = cat(ascii("CurveZMQMESSAGEC"), hex("00 00 00 00 00 00 00 03"));

test("the constants are NaCl's", () => {
  assert.equal(KEY_BYTES, 32);
  assert.equal(NONCE_BYTES, 24);
  assert.equal(BOX_OVERHEAD, 16);
});

test("publicKeyOf gives S, C′ and S′ of the vectors", () => {
  assert.deepEqual(publicKeyOf(s), S);
  assert.deepEqual(publicKeyOf(cT), CT);
  assert.deepEqual(publicKeyOf(sT), ST);
});

test("boxKey is crypto_box_beforenm, the same from both ends", () => {
  assert.deepEqual(boxKey(S, cT), BEFORENM_S_cT);
  assert.deepEqual(boxKey(CT, s), BEFORENM_S_cT);
  assert.deepEqual(boxKey(ST, cT), K);
  assert.deepEqual(boxKey(CT, sT), K);
});

test("boxKey refuses an all-zero (low-order) public key", () => {
  assert.throws(() => boxKey(new Uint8Array(32), s));
});

test("seal gives the HELLO box and the client MESSAGE box; open reverses them", () => {
  assert.deepEqual(seal(BEFORENM_S_cT, helloNonce, new Uint8Array(64)), HELLO_BOX);
  assert.deepEqual(open(BEFORENM_S_cT, helloNonce, HELLO_BOX), new Uint8Array(64));
  const msg = hex('00 "hello"');
  assert.deepEqual(seal(K, messageNonce, msg), MESSAGE_BOX);
  assert.deepEqual(open(K, messageNonce, MESSAGE_BOX), msg);
  assert.equal(seal(K, messageNonce, new Uint8Array(0)).length, BOX_OVERHEAD);
});

test("open returns null for a tampered box, nonce or key, and for a short box", () => {
  for (let i = 0; i < MESSAGE_BOX.length; i++) {
    const bad = MESSAGE_BOX.slice();
    bad[i]! ^= 0x80;
    assert.equal(open(K, messageNonce, bad), null, `byte ${i}`);
  }
  const nonce = messageNonce.slice();
  nonce[23] = 4;
  assert.equal(open(K, nonce, MESSAGE_BOX), null);
  assert.equal(open(BEFORENM_S_cT, messageNonce, MESSAGE_BOX), null);
  assert.equal(open(K, messageNonce, MESSAGE_BOX.subarray(0, 15)), null);
  assert.equal(open(K, messageNonce, MESSAGE_BOX.subarray(0, MESSAGE_BOX.length - 1)), null);
  assert.equal(open(K, messageNonce, new Uint8Array(0)), null);
});

test("open reads a box that is a view into a larger buffer", () => {
  const big = cat(hex("AA BB CC"), MESSAGE_BOX, hex("DD"));
  assert.deepEqual(
    open(K, messageNonce, big.subarray(3, 3 + MESSAGE_BOX.length)),
    hex('00 "hello"'),
  );
});

test("sameBytes compares contents and lengths", () => {
  assert.ok(sameBytes(hex("01 02 03"), hex("01 02 03")));
  assert.ok(sameBytes(new Uint8Array(0), new Uint8Array(0)));
  assert.ok(!sameBytes(hex("01 02 03"), hex("01 02 04")));
  assert.ok(!sameBytes(hex("81 02 03"), hex("01 02 03")));
  assert.ok(!sameBytes(hex("01 02"), hex("01 02 03")));
  assert.ok(sameBytes(K, K.slice()));
});

test("randomBytes and newKeyPair draw fresh values", () => {
  assert.equal(randomBytes(0).length, 0);
  const a = randomBytes(32), b = randomBytes(32);
  assert.equal(a.length, 32);
  assert.ok(!sameBytes(a, b));
  const p = newKeyPair(), q = newKeyPair();
  assert.deepEqual(publicKeyOf(p.secretKey), p.publicKey);
  assert.ok(!sameBytes(p.secretKey, q.secretKey));
  assert.deepEqual(boxKey(p.publicKey, q.secretKey), boxKey(q.publicKey, p.secretKey));
});

test("crypto: Deno's npm: specifiers, deno.json's map and package.json pin the same versions", () => {
  const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");
  const pkg = JSON.parse(read("package.json")).dependencies as Record<string, string>;
  const denoImports = JSON.parse(read("deno.json")).imports as Record<string, string>;
  const denoFile = read("lib/runtime/crypto_deno.ts");
  const npmFile = read("lib/runtime/crypto_npm.ts");
  for (const name of ["@noble/ciphers", "@noble/curves"]) {
    const v = pkg[name];
    assert.ok(v && /^\d+\.\d+\.\d+$/.test(v), `${name} is pinned to an exact version (${v})`);
    assert.ok(denoFile.includes(`"npm:${name}@${v}/`), `crypto_deno.ts names ${name}@${v}`);
    assert.ok(npmFile.includes(`"${name}/`), `crypto_npm.ts names ${name}`);
    const mapped = Object.entries(denoImports).filter(([k]) => k.startsWith(`${name}/`));
    assert.ok(mapped.length > 0, `deno.json maps ${name}`);
    for (const [, target] of mapped) assert.ok(target.startsWith(`npm:${name}@${v}/`), target);
  }
});
