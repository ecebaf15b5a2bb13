/**
 * The runtime contract suite: one set of checks of `lib/runtime/runtime.ts`, run against any
 * adapter on the real runtime (crossws/Hono pattern). `runtime_contract_test.ts` calls it for
 * the adapter `loadRuntime()` picks and for the `node:net` adapter.
 *
 * Runs on: the test runner's main thread.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { assert, delay, removeDir, runtime, tempDir, test, waitFor } from "../_harness.ts";
import type {
  Listener,
  NetError,
  Runtime,
  StreamConn,
  StreamHandlers,
} from "../../lib/runtime/mod.ts";

/**
 * How long "nothing happens" is watched for (paused stream, no second `closed`). The one
 * settle delay of this suite: absence of an event cannot be waited on as a condition.
 */
const SETTLE_MS = 50;

/** Handlers that record what the adapter did, and catch contract violations. */
export class Recorder implements StreamHandlers {
  chunks: Uint8Array[] = [];
  bytes = 0;
  writtenCount = 0;
  closedCount = 0;
  err: Error | undefined;
  /** Set by the test around `write()`; `written()` seen while set is re-entrant. */
  inWrite = false;
  paused = false;
  violations: string[] = [];
  /** Called for each chunk after it is recorded (tests hook pause here). */
  onData: ((r: Recorder) => void) | null = null;
  conn: StreamConn | null = null;

  data(chunk: Uint8Array): void {
    if (this.closedCount) this.violations.push("data after closed");
    if (this.paused) this.violations.push("data while paused");
    this.chunks.push(chunk.slice()); // the chunk is only valid during the call
    this.bytes += chunk.length;
    this.onData?.(this);
  }
  written(): void {
    if (this.inWrite) this.violations.push("written() inside write()");
    if (this.closedCount) this.violations.push("written after closed");
    this.writtenCount++;
  }
  closed(err?: Error): void {
    this.closedCount++;
    this.err = err;
  }
  /** Writes through the connection, flagging re-entrant `written()` calls. */
  write(bytes: Uint8Array) {
    this.inWrite = true;
    try {
      this.conn!.write(bytes);
    } finally {
      this.inWrite = false;
    }
  }
  pause() {
    this.paused = true;
    this.conn!.pause();
  }
  resume() {
    this.paused = false;
    this.conn!.resume();
  }
  received(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** A connected pair over a fresh listener, with the cleanup every test needs. */
interface Pair {
  listener: Listener;
  server: Recorder;
  client: Recorder;
  close(): Promise<void>;
}

/**
 * Closes a listener and waits until its address is free. Deno frees the port only after its
 * pending accept op settles, which its adapter exposes as `released` (a contract gap:
 * `Listener.close()` returns nothing to wait on).
 */
async function closeListener(l: Listener) {
  l.close();
  await (l as { released?: Promise<void> }).released;
}

async function closeBoth(...rs: Recorder[]) {
  for (const r of rs) r.conn?.close();
  await waitFor(
    () => rs.every((r) => r.closedCount > 0 || r.conn === null),
    5_000,
    "streams closed",
  );
}

async function tcpPair(rt: Runtime): Promise<Pair> {
  const server = new Recorder();
  const listener = await rt.listenTcp("127.0.0.1", 0, (conn) => {
    server.conn = conn;
    return server;
  });
  const client = new Recorder();
  try {
    const attach = await rt.connectTcp("127.0.0.1", listener.port);
    client.conn = attach(client);
    await waitFor(() => server.conn !== null, 5_000, "accept");
  } catch (e) {
    listener.close();
    throw e;
  }
  return {
    listener,
    server,
    client,
    async close() {
      await closeListener(listener);
      await closeBoth(client, server);
    },
  };
}

/** A simple checksum of a byte sequence (FNV-1a, 32 bits). */
function fnv(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function pattern(n: number, seed = 7): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Registers the contract checks for one adapter under `label`. */
export function runtimeSuite(label: string, load: () => Promise<Runtime>) {
  test(`${label} runtime listens on port 0 and reports the real port`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      assert.ok(p.listener.port > 0 && p.listener.port < 65536, `port ${p.listener.port}`);
      assert.match(p.client.conn!.remote, new RegExp(`^127\\.0\\.0\\.1:${p.listener.port}$`));
      assert.match(p.server.conn!.remote, /^127\.0\.0\.1:\d+$/);
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime exchanges bytes both ways`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      p.client.write(bytes("hello"));
      await waitFor(() => p.server.bytes === 5, 5_000, "server data");
      assert.equal(text(p.server.received()), "hello");
      p.server.write(bytes("world!"));
      await waitFor(() => p.client.bytes === 6, 5_000, "client data");
      assert.equal(text(p.client.received()), "world!");
      await waitFor(() => p.client.writtenCount === 1 && p.server.writtenCount === 1);
      assert.deepEqual([...p.client.violations, ...p.server.violations], []);
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime never calls written() re-entrantly`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      for (let i = 0; i < 20; i++) {
        p.client.write(new Uint8Array([i]));
        // Even a write the kernel takes at once reports later, never from inside write().
        assert.equal(p.client.writtenCount, i);
        await waitFor(() => p.client.writtenCount === i + 1, 5_000, "written");
      }
      await waitFor(() => p.server.bytes === 20, 5_000, "server data");
      assert.deepEqual([...p.server.received()], Array.from({ length: 20 }, (_, i) => i));
      assert.deepEqual(p.client.violations, []);
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime delivers a 4 MiB write intact with one written()`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      const big = pattern(4 * 1024 * 1024);
      p.client.write(big);
      await waitFor(() => p.server.bytes === big.length, 20_000, "4 MiB");
      await waitFor(() => p.client.writtenCount === 1, 5_000, "written");
      assert.equal(fnv(p.server.received()), fnv(big));
      // Nothing more: a partial write must not report written() per piece.
      await delay(SETTLE_MS);
      assert.equal(p.client.writtenCount, 1);
      assert.deepEqual([...p.client.violations, ...p.server.violations], []);
    } finally {
      await p.close();
    }
  }, { timeout: 40_000 });

  test(
    `${label} runtime finishes a write larger than the socket buffers once the reader resumes`,
    async () => {
      const rt = await load();
      const p = await tcpPair(rt);
      try {
        // 16 MiB against a paused reader: the kernel takes ~4 MiB (loopback), so the adapter
        // must keep the rest and continue (Deno: partial write, Bun: drain, Node: its queue).
        const big = pattern(16 * 1024 * 1024, 13);
        p.server.pause();
        p.client.write(big);
        await delay(SETTLE_MS);
        assert.equal(p.client.writtenCount, 0, "written() before the bytes were taken");
        p.server.resume();
        await waitFor(() => p.server.bytes === big.length, 30_000, "16 MiB");
        await waitFor(() => p.client.writtenCount === 1, 5_000, "written");
        assert.equal(fnv(p.server.received()), fnv(big));
        assert.deepEqual([...p.client.violations, ...p.server.violations], []);
      } finally {
        await p.close();
      }
    },
    { timeout: 60_000 },
  );

  test(`${label} runtime writes a view of a SharedArrayBuffer`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      const ring = new Uint8Array(new SharedArrayBuffer(1 << 20));
      const src = pattern(300_000, 3);
      ring.set(src, 1000);
      p.client.write(ring.subarray(1000, 1000 + src.length));
      await waitFor(() => p.server.bytes === src.length, 10_000, "sab data");
      await waitFor(() => p.client.writtenCount === 1, 5_000, "written");
      assert.equal(fnv(p.server.received()), fnv(src));
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime pause stops data and resume restarts it without loss`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      const total = 1024 * 1024;
      const src = pattern(total, 11);
      // Pause from inside the first data() call: the hardest case for an adapter.
      p.server.onData = (r) => {
        r.onData = null;
        r.pause();
      };
      p.client.write(src.subarray(0, 1000));
      await waitFor(() => p.server.paused, 5_000, "first chunk");
      const before = p.server.bytes;
      p.client.write(src.subarray(1000));
      await delay(SETTLE_MS);
      assert.equal(p.server.bytes, before, "data arrived while paused");
      p.server.resume();
      p.server.resume(); // idempotent
      await waitFor(() => p.server.bytes === total, 10_000, "all data after resume");
      assert.equal(fnv(p.server.received()), fnv(src));
      await waitFor(() => p.client.writtenCount === 2, 5_000, "written");
      assert.deepEqual([...p.client.violations, ...p.server.violations], []);
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime close gives both ends closed() exactly once`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      p.client.conn!.close();
      p.client.conn!.close(); // idempotent
      p.client.write(bytes("ignored")); // never throws after close
      await waitFor(() => p.server.closedCount > 0 && p.client.closedCount > 0, 5_000, "closed");
      await delay(SETTLE_MS);
      assert.equal(p.server.closedCount, 1);
      assert.equal(p.client.closedCount, 1);
      assert.equal(p.server.err, undefined, "an orderly close is not an error");
      assert.equal(p.client.err, undefined);
      assert.deepEqual([...p.client.violations, ...p.server.violations], []);
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime close with a write in flight still gives closed() once and no written()`, async () => {
    const rt = await load();
    const p = await tcpPair(rt);
    try {
      p.server.pause();
      p.client.write(pattern(16 * 1024 * 1024, 17)); // cannot complete against a paused reader
      p.client.conn!.close();
      await waitFor(() => p.client.closedCount > 0, 5_000, "client closed");
      // A paused reader does not read, so it sees the peer's FIN only after resume().
      p.server.resume();
      await waitFor(() => p.server.closedCount > 0, 10_000, "server closed");
      await delay(SETTLE_MS);
      assert.equal(p.client.closedCount, 1);
      assert.equal(p.client.writtenCount, 0);
      assert.equal(p.client.err, undefined, "a local close is not an error");
      assert.deepEqual(p.client.violations, []);
    } finally {
      await p.close();
    }
  });

  test(`${label} runtime listener port can be bound again after close`, async () => {
    const rt = await load();
    const l = await rt.listenTcp("127.0.0.1", 0, () => new Recorder());
    const port = l.port;
    await closeListener(l);
    const again = await rt.listenTcp("127.0.0.1", port, () => new Recorder());
    assert.equal(again.port, port);
    await closeListener(again);
  });

  test(`${label} runtime listens and connects over IPv6 loopback`, async () => {
    const rt = await load();
    const server = new Recorder();
    let listener: Listener;
    try {
      listener = await rt.listenTcp("::1", 0, (conn) => {
        server.conn = conn;
        return server;
      });
    } catch (e) {
      // A host without IPv6 loopback cannot run this case; that is not an adapter fault.
      if ((e as NetError).code === "EADDRNOTAVAIL" || (e as NetError).code === "EAFNOSUPPORT") {
        return;
      }
      throw e;
    }
    const client = new Recorder();
    try {
      client.conn = (await rt.connectTcp("::1", listener.port))(client);
      assert.equal(client.conn.remote, `[::1]:${listener.port}`);
      client.write(bytes("v6"));
      await waitFor(() => server.bytes === 2, 5_000, "v6 data");
      assert.match(server.conn!.remote, /^\[::1\]:\d+$/);
    } finally {
      await closeListener(listener);
      await closeBoth(client, server);
    }
  });

  test(`${label} runtime holds bytes that arrive before handlers are attached`, async () => {
    const rt = await load();
    const server = new Recorder();
    const listener = await rt.listenTcp("127.0.0.1", 0, (conn) => {
      server.conn = conn;
      conn.write(bytes("early"));
      return server;
    });
    const client = new Recorder();
    try {
      const attach = await rt.connectTcp("127.0.0.1", listener.port);
      await waitFor(() => server.writtenCount === 1, 5_000, "server written");
      client.conn = attach(client);
      await waitFor(() => client.bytes === 5, 5_000, "early bytes");
      assert.equal(text(client.received()), "early");
    } finally {
      await closeListener(listener);
      await closeBoth(client, server);
    }
  });

  test(`${label} runtime rejects a connect to a closed port with ECONNREFUSED`, async () => {
    const rt = await load();
    const l = await rt.listenTcp("127.0.0.1", 0, () => new Recorder());
    const port = l.port;
    await closeListener(l);
    await assert.rejects(rt.connectTcp("127.0.0.1", port), (e: NetError) => {
      assert.equal(e.code, "ECONNREFUSED");
      return true;
    });
  });

  test(`${label} runtime refuses a second listener on the same port with EADDRINUSE`, async () => {
    const rt = await load();
    const l = await rt.listenTcp("127.0.0.1", 0, () => new Recorder());
    try {
      await assert.rejects(
        rt.listenTcp("127.0.0.1", l.port, () => new Recorder()),
        (e: NetError) => {
          assert.equal(e.code, "EADDRINUSE");
          return true;
        },
      );
    } finally {
      await closeListener(l);
    }
  });

  test(`${label} runtime unix listener replaces a stale file, exchanges, and removes it on close`, async () => {
    const rt = await load();
    const dir = tempDir();
    const path = `${dir}/s.sock`;
    writeFileSync(path, "stale");
    const server = new Recorder();
    const client = new Recorder();
    let listener: Listener | null = null;
    try {
      listener = await rt.listenUnix(path, (conn) => {
        server.conn = conn;
        return server;
      });
      assert.equal(listener.port, 0);
      client.conn = (await rt.connectUnix(path))(client);
      assert.equal(client.conn.remote, path);
      client.write(bytes("ping"));
      await waitFor(() => server.bytes === 4, 5_000, "unix data");
      server.write(bytes("pong"));
      await waitFor(() => client.bytes === 4, 5_000, "unix reply");
      assert.equal(text(server.received()), "ping");
      assert.equal(text(client.received()), "pong");
      const big = pattern(2 * 1024 * 1024, 5);
      client.write(big);
      await waitFor(() => server.bytes === 4 + big.length, 10_000, "unix bulk");
      assert.equal(fnv(server.received().subarray(4)), fnv(big));
      await closeListener(listener);
      listener = null;
      await waitFor(() => !existsSync(path), 5_000, "socket file removed");
    } finally {
      if (listener) await closeListener(listener);
      await closeBoth(client, server);
      removeDir(dir);
    }
  });

  test(`${label} runtime names the OS errno of a failed listen (bind(2)'s, as upstream)`, async () => {
    const rt = await load();
    const dir = tempDir();
    const code = async (p: Promise<Listener>) => {
      try {
        (await p).close();
        return "listening";
      } catch (e) {
        return (e as NetError).code;
      }
    };
    try {
      writeFileSync(`${dir}/file`, "x");
      mkdirSync(`${dir}/sub`);
      const accept = () => new Recorder();
      // RFC 5737 TEST-NET-1: a valid address no interface of this host has. (Deno's node:net
      // says EINVAL there; real Node says EADDRNOTAVAIL, tests/spec/bind_errors_test.ts.)
      const notHere = await code(rt.listenTcp("192.0.2.1", 0, accept));
      if (label === "node:net" && runtime === "deno") assert.ok(notHere !== "listening");
      else assert.equal(notHere, "EADDRNOTAVAIL");
      // libuv (Node) says EACCES for a missing directory; the adapter says the OS's ENOENT.
      assert.equal(await code(rt.listenUnix(`${dir}/missing/s.sock`, accept)), "ENOENT");
      assert.equal(await code(rt.listenUnix(`${dir}/file/s.sock`, accept)), "ENOTDIR");
      // A directory at the path is not removed (unlink(2), not rmdir): the bind finds it.
      assert.equal(await code(rt.listenUnix(`${dir}/sub`, accept)), "EADDRINUSE");
      assert.ok(existsSync(`${dir}/sub`));
    } finally {
      removeDir(dir);
    }
  });

  test(`${label} runtime rejects a unix connect to a missing path`, async () => {
    const rt = await load();
    const dir = tempDir();
    try {
      await assert.rejects(rt.connectUnix(`${dir}/none.sock`), (e: NetError) => {
        assert.ok(e.code === "ENOENT" || e.code === "ECONNREFUSED", e.code);
        return true;
      });
    } finally {
      removeDir(dir);
    }
  });

  test(`${label} runtime resolves localhost and numeric hosts`, async () => {
    const rt = await load();
    assert.deepEqual(await rt.resolve("localhost"), ["127.0.0.1"]);
    assert.deepEqual(await rt.resolve("10.1.2.3"), ["10.1.2.3"]);
    assert.deepEqual(await rt.resolve("::1"), ["::1"]);
  });

  test(`${label} runtime removeFile never throws`, async () => {
    const rt = await load();
    const dir = tempDir();
    try {
      writeFileSync(`${dir}/f`, "x");
      rt.removeFile(`${dir}/f`);
      assert.equal(existsSync(`${dir}/f`), false);
      rt.removeFile(`${dir}/f`);
    } finally {
      removeDir(dir);
    }
  });
}
