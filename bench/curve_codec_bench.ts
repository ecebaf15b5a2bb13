/**
 * Micro-bench of the CURVE traffic codec (lib/security/curve_stream.ts) in one thread: a
 * client `CurveStream` boxes a batch of plain ZMTP/3 frames into MESSAGE commands
 * (`encode`), and the server's `CurveStream` checks and opens them again (`decode`). One
 * iteration moves a fixed number of bytes' worth of frames (64 KiB of bodies, at least one
 * frame), so the cases are comparable in MB/s; msg/s = frames per iteration / time. Every
 * frame costs one XSalsa20-Poly1305 seal and one open (pure JavaScript, @noble/ciphers).
 *
 *   deno bench bench/curve_codec_bench.ts        bun bench/curve_codec_bench.ts
 *
 * Runs on: the bench's main thread.
 */
import { cryptoMissing } from "../lib/security/crypto.ts";
import { CurveStream } from "../lib/security/curve_stream.ts";
import { header3Size, writeHeader3 } from "../lib/wire/frame.ts";
import { bench } from "./_report.ts";

const BYTES_PER_ITER = 64 * 1024;
const KEY = new Uint8Array(32).fill(0x5a);

/** Encodes and decodes `count` frames of `size` bytes (one batch) per iteration. */
function caseFor(size: number) {
  const count = Math.max(1, Math.floor(BYTES_PER_ITER / size));
  const one = header3Size(size) + size;
  const plain = new Uint8Array(one * count);
  for (let i = 0; i < count; i++) {
    const h = writeHeader3(plain, i * one, 0, size);
    plain.fill(i & 0xff, i * one + h, (i + 1) * one);
  }
  const client = new CurveStream(KEY, "client", 3, 1, -1);
  const server = new CurveStream(KEY, "server", 2, 2, -1);
  return () => {
    const out = server.decode(client.encode(plain));
    if (out === null || out.length !== plain.length) {
      throw new Error(`codec failed: ${server.error}`);
    }
  };
}

const group = "curve encode+decode, 64 KiB of frames per iteration";
// A checkout without `npm install` has no cryptography to measure (lib/security/crypto.ts).
const missing = cryptoMissing();
if (missing !== null) console.log(`curve codec bench skipped: ${missing}`);
else {
  bench({ name: "64 B frames x1024", group, baseline: true, fn: caseFor(64) });
  bench({ name: "1 KiB frames x64", group, fn: caseFor(1024) });
  bench({ name: "64 KiB frame x1", group, fn: caseFor(64 * 1024) });
}
