/**
 * Micro-bench of the SPSC byte ring (lib/pipe/ring.ts) in one thread: a RingWriter stages
 * 64-byte records (`put` + `endMessage`) and publishes, a RingReader copies them out
 * (`copyOut` + `advance` + `messagesRead`) and commits. One iteration moves 1024 records,
 * so records/s = 1024 / (time per iteration). The cases differ in how often the tail is
 * published and the head committed: per record (baseline), per 32 records, per 1024.
 * docs/runtime.md §1 gives ~3 M msg/s publishing per record and ~7 M batched, across
 * threads; one thread shows the cost of the ring itself without cache-line traffic.
 *
 *   deno bench bench/ring_bench.ts        bun bench/ring_bench.ts
 *
 * Runs on: the bench's main thread.
 */
import { newPipeBlock, pipePlaces, RingReader, RingWriter } from "../lib/pipe/mod.ts";
import { bench } from "./_report.ts";

const RECORD = 64;
const PER_ITER = 1024;
const RING = 256 * 1024;

function makeRing(): { w: RingWriter; r: RingReader } {
  const sab = newPipeBlock(RING, RING);
  const place = pipePlaces(sab, RING, RING).out;
  return { w: new RingWriter(place), r: new RingReader(place) };
}

/** Moves PER_ITER records through the ring, publishing/committing every `batch` records. */
function caseFor(batch: number) {
  const { w, r } = makeRing();
  const rec = new Uint8Array(RECORD).fill(7);
  const dst = new Uint8Array(RECORD);
  return () => {
    for (let i = 0; i < PER_ITER; i += batch) {
      for (let j = 0; j < batch; j++) {
        w.put(rec);
        w.endMessage();
      }
      w.publish();
      let n = r.available();
      while (n >= RECORD) {
        r.copyOut(dst, 0, 0, RECORD);
        r.advance(RECORD);
        r.messagesRead(1);
        n -= RECORD;
        if (batch === 1) r.commit();
      }
      if (batch !== 1) r.commit();
    }
    if (dst[0] !== 7) throw new Error("ring corrupted a record");
  };
}

const group = "ring 64 B records x1024";
bench({ name: "publish + commit per record", group, baseline: true, fn: caseFor(1) });
bench({ name: "publish + commit per 32 records", group, fn: caseFor(32) });
bench({ name: "publish + commit per 1024 records", group, fn: caseFor(1024) });
