/**
 * Deterministic decoder fuzz (issue #14 item 4, docs/wire.md §8): 100,000 hostile inputs from
 * tests/wire/_fuzz_gen.ts, seeded with a fixed seed (printed), built by mutating valid
 * encodings of every dialect (greetings v1/v2/v3 with their signature and revision bytes,
 * READY with metadata, ERROR, unknown commands, the 1.0 and the 2.0/3.x framing with short,
 * long, MORE and COMMAND frames and huge declared lengths), fed through the handshake and
 * decoders the session uses, once whole and once split into random chunks; every fourth one
 * also through a real StreamSession on a fake stream, read by the API thread's RingPipe.
 *
 * What must hold is listed on `fuzz()`: nothing escapes but the codec's error path, no size
 * over the limit reaches a sink, no allocation while feeding exceeds twice the bytes fed
 * (1 MiB, the ring, for sessions), splits change nothing, valid inputs decode to what was
 * encoded, and a session closes exactly the connections the codec refuses. A failure names
 * the seed and case index; `deno run -A bench/fuzz.ts --seed=S --from=I --count=1` reruns it.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, runtime, test } from "../_harness.ts";
import { caseSeed, fnv, fuzz, generate } from "./_fuzz_gen.ts";

/** The CI run's seed: fixed, so every run (and runtime) feeds the same inputs. */
const SEED = 20_140_004;
const COUNT = 100_000;

test(`fuzz: ${COUNT.toLocaleString("en")} hostile inputs, seed ${SEED}`, () => {
  console.log(`fuzz (${runtime}): seed ${SEED}, ${COUNT} inputs`);
  const f = fuzz(SEED, COUNT, { sessionEvery: 4 });
  console.log(
    `fuzz (${runtime}): ${f.inputs} inputs: ${f.rejected} rejected ` +
      `(${f.refusedSize} for a size, ${f.refusedLength0} for a 1.0 length 0), ` +
      `${f.accepted} accepted (${f.acceptedDone} past the handshake), ${f.unmutated} unmutated; ` +
      `${f.sessions} through sessions (${f.sessionCloses} closed); largest size let through ` +
      `${f.largestAnnounced}, largest allocation ${f.maxAllocCodec} (codec) / ` +
      `${f.maxAllocSession} (sessions); ${(f.ms / 1000).toFixed(1)} s`,
  );
  assert.equal(f.inputs, COUNT);
  assert.equal(f.rejected + f.accepted, COUNT);
  // Both paths, and every kind of refusal, must have been exercised for the run to mean much.
  assert.ok(f.rejected > COUNT / 5 && f.accepted > COUNT / 5, `${f.rejected} / ${f.accepted}`);
  assert.ok(f.acceptedDone > COUNT / 5, `${f.acceptedDone} inputs got past the handshake`);
  assert.ok(f.unmutated > COUNT / 10, `${f.unmutated} unmutated inputs`);
  assert.ok(f.refusedSize > 1000 && f.refusedLength0 > 100, "size and length-0 refusals");
  assert.ok(f.sessionCloses > 1000 && f.sessionCloses < f.sessions, "sessions closed and kept");
  // Sizes up to the hard cap are let through (and then awaited), never allocated.
  assert.equal(f.largestAnnounced, 2 ** 31 - 1);
}, { timeout: 60_000 });

test("fuzz: the generator gives the same inputs on every runtime and run", () => {
  // A fingerprint of the first 2,000 inputs of the CI seed: Deno, Bun and Node compute the
  // same (update it when the generator changes on purpose).
  let h = 0x811c9dc5;
  for (let i = 0; i < 2000; i++) {
    const c = generate(SEED, i);
    h = fnv(h, c.bytes);
    h = fnv(h, new Uint8Array(new Uint32Array(c.chunks).buffer));
  }
  assert.equal(h, FINGERPRINT, `fingerprint ${h}`);
  assert.deepEqual(generate(SEED, 12_345), generate(SEED, 12_345));
  assert.notEqual(caseSeed(SEED, 1), caseSeed(SEED, 2));
});

const FINGERPRINT = 922_252_944;
