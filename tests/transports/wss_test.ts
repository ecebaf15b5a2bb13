/**
 * wss:// — ZeroMQ over WebSocket over TLS (lib/transports/ws.ts over the runtime's
 * `listenTls` / `connectTls`): a CA and a server certificate for localhost / 127.0.0.1 are
 * made with `openssl` at start; the PULL binds with the certificate and key
 * (`wssCertPem`, `wssKeyPem`), the PUSH trusts the CA (`wssTrustPem`). A client without
 * that anchor is refused at the TLS handshake and keeps retrying; CURVE runs inside the
 * TLS stream as on ws://; a bind without a certificate is EINVAL before the worker sees it;
 * a page-like context (another process, `webSocket: "thread"`: the platform's WebSocket,
 * its runtime told to trust the CA) reaches the wss bind too.
 *
 * Runs on: the test runner's main thread (the I/O worker serves both ends).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context, curveKeyPair, type SocketEvent, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import process from "node:process";
import {
  assert,
  removeDir,
  runCommand,
  runtime,
  tempDir,
  test,
  texts,
  waitFor,
} from "../_harness.ts";

const RECV_MS = 10_000;

/** The CA, the server's chain and key (PEM), or why they could not be made. */
const pki = await makePki();
const skip = typeof pki === "string" ? pki : false;
const ca = typeof pki === "string" ? "" : pki.ca;
const cert = typeof pki === "string" ? "" : pki.cert;
const key = typeof pki === "string" ? "" : pki.key;

async function makePki(): Promise<{ ca: string; cert: string; key: string } | string> {
  const dir = tempDir();
  const f = (n: string) => join(dir, n);
  const ossl = async (args: string[]) => {
    const r = await runCommand("openssl", args, { timeout: 15_000 });
    if (r.code !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr.trim()}`);
  };
  try {
    await ossl(["version"]);
  } catch (e) {
    removeDir(dir);
    return `openssl is not available to make test certificates (${e})`;
  }
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await ossl([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=xs wss test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await ossl([
      "req",
      ...ec,
      "-keyout",
      f("srv.key"),
      "-out",
      f("srv.csr"),
      "-subj",
      "/CN=localhost",
    ]);
    writeFileSync(
      f("ext.cnf"),
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" +
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    await ossl([
      "x509",
      "-req",
      "-in",
      f("srv.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-set_serial",
      "2",
      "-days",
      "2",
      "-extfile",
      f("ext.cnf"),
      "-out",
      f("srv.pem"),
    ]);
    const read = (n: string) => readFileSync(f(n), "utf8");
    return { ca: read("ca.pem"), cert: read("srv.pem"), key: read("srv.key") };
  } catch (e) {
    return `openssl could not make the test certificates: ${e}`;
  } finally {
    removeDir(dir);
  }
}

function record(events: AsyncIterable<SocketEvent>): SocketEvent[] {
  const log: SocketEvent[] = [];
  (async () => {
    for await (const e of events) log.push(e);
  })().catch(() => {});
  return log;
}

test("wss: PUSH → PULL over TLS: multipart, a 100 KiB part, 1000 messages in order", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { wssCertPem: cert, wssKeyPem: key, linger: 0 });
  await pull.bind("wss://127.0.0.1:0/zmq");
  assert.match(pull.lastEndpoint, /^wss:\/\/127\.0\.0\.1:\d+\/zmq$/);
  // The certificate names 127.0.0.1 (an IP SAN): checked against the endpoint's host.
  using push = ctx.socket("PUSH", { wssTrustPem: ca, linger: 0 });
  await push.connect(pull.lastEndpoint);
  assert.equal(push.lastEndpoint, pull.lastEndpoint);
  const big = new Uint8Array(100 * 1024).map((_, i) => i * 7);
  await push.send(["a", "b", big]);
  const m = await pull.receive({ timeout: RECV_MS });
  assert.equal(m.length, 3);
  assert.deepEqual(texts(m.slice(0, 2)), ["a", "b"]);
  assert.deepEqual(m[2], big);
  for (let i = 0; i < 1000; i++) await push.send(["n", String(i)]);
  for (let i = 0; i < 1000; i++) {
    assert.deepEqual(texts(await pull.receive({ timeout: RECV_MS })), ["n", String(i)]);
  }
}, { skip, timeout: 30_000 });

test(
  "wss: a client that does not trust the CA fails its handshake and retries; a trusting one gets through",
  async () => {
    await using ctx = new Context();
    using pull = ctx.socket("PULL", { wssCertPem: cert, wssKeyPem: key, linger: 0 });
    await pull.bind("wss://127.0.0.1:0/zmq");
    const port = /:(\d+)\//.exec(pull.lastEndpoint)![1];
    // The system roots only (the default): our CA is not among them.
    using bad = ctx.socket("PUSH", { linger: 0, reconnectIvl: 50 });
    assert.equal(bad.wssTrustSystem, true);
    const log = record(bad.events);
    await bad.connect(pull.lastEndpoint);
    await bad.send("must not arrive");
    await waitFor(
      () => log.filter((e) => e.type === "connect:retry").length >= 2,
      RECV_MS,
      "two refused TLS handshakes",
    );
    const retry = log.find((e) => e.type === "connect:retry") as { error: string };
    assert.match(retry.error, /TLS|certificate|cert|handshake|UnknownIssuer|issuer/i);
    assert.ok(!log.some((e) => e.type === "handshake"), "no ZMTP handshake");
    // By name this time (the certificate's DNS SAN), through XS_WSS_HOSTNAME.
    using good = ctx.socket("PUSH", { wssTrustPem: ca, wssHostname: "localhost", linger: 0 });
    await good.connect(`wss://127.0.0.1:${port}/zmq`);
    await good.send("through");
    assert.deepEqual(texts(await pull.receive({ timeout: RECV_MS })), ["through"]);
    await assert.rejects(pull.receive({ timeout: 300 }), { code: "EAGAIN" });
    // A name the certificate does not carry is refused too.
    using wrong = ctx.socket("PUSH", { wssTrustPem: ca, wssHostname: "example.org", linger: 0 });
    const wrongLog = record(wrong.events);
    await wrong.connect(`wss://127.0.0.1:${port}/zmq`);
    await waitFor(() => wrongLog.some((e) => e.type === "connect:retry"), RECV_MS, "name refused");
    assert.ok(!wrongLog.some((e) => e.type === "handshake"), "no ZMTP handshake");
  },
  { skip, timeout: 30_000 },
);

test("wss: CURVE inside TLS, one round trip", async () => {
  await using ctx = new Context();
  const server = curveKeyPair();
  using rep = ctx.socket("REP", {
    curveServer: true,
    curveSecretKey: server.secretKey,
    wssCertPem: cert,
    wssKeyPem: key,
    linger: 0,
  });
  const log = record(rep.events);
  await rep.bind("wss://127.0.0.1:0/secure");
  using req = ctx.socket("REQ", { curveServerKey: server.publicKey, wssTrustPem: ca, linger: 0 });
  await req.connect(rep.lastEndpoint);
  await req.send("q");
  assert.deepEqual(texts(await rep.receive({ timeout: RECV_MS })), ["q"]);
  await rep.send("a");
  assert.deepEqual(texts(await req.receive({ timeout: RECV_MS })), ["a"]);
  const hs = log.find((e) => e.type === "handshake") as { mechanism: string } | undefined;
  assert.equal(hs?.mechanism, "CURVE");
}, { skip, timeout: 30_000 });

test(
  "wss: a bind without a certificate and key is EINVAL, with the reason, on both faces",
  async () => {
    await using ctx = new Context();
    using pull = ctx.socket("PULL", { wssKeyPem: key });
    await assert.rejects(pull.bind("wss://127.0.0.1:0/zmq"), (e: Error) => {
      assert.ok(e instanceof XsError);
      assert.equal(e.code, "EINVAL");
      assert.match(e.message, /wss:\/\/ bind needs a certificate and its private key/);
      assert.match(e.message, /wssCertPem/);
      return true;
    });
    const c = xs.xs_init()!;
    const s = xs.xs_socket(c, xs.XS_PULL)!;
    assert.equal(xs.xs_bind(s, "wss://127.0.0.1:0/zmq"), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    // The option numbers and the C face's view of them.
    const pem = new TextEncoder().encode(cert);
    assert.equal(xs.xs_setsockopt(s, xs.XS_WSS_CERT_PEM, pem, pem.length), 0);
    const one = new Int32Array(1);
    const len = { value: 4 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_WSS_TRUST_SYSTEM, one, len), 0);
    assert.equal(one[0], 1);
    assert.equal(xs.xs_close(s), 0);
    assert.equal(xs.xs_term(c), 0);
    // The endpoint's text round-trips; a connect needs no certificate.
    using push = ctx.socket("PUSH", { linger: 0 });
    await push.connect("wss://localhost:1/a/b");
    assert.equal(push.lastEndpoint, "wss://localhost:1/a/b");
  },
  { skip },
);

test(
  "wss: a page-like context (the platform's WebSocket, its runtime trusting the CA) reaches our wss bind",
  async () => {
    await using ctx = new Context();
    using rep = ctx.socket("REP", { wssCertPem: cert, wssKeyPem: key });
    await rep.bind("wss://127.0.0.1:0/zmq");
    const port = Number(/:(\d+)\//.exec(rep.lastEndpoint)![1]);
    const dir = tempDir();
    try {
      writeFileSync(join(dir, "ca.pem"), ca);
      const mod = new URL("../../mod.ts", import.meta.url).href;
      writeFileSync(
        join(dir, "page.ts"),
        `import { Context } from ${JSON.stringify(mod)};
const ctx = new Context({ webSocket: "thread" });
const req = ctx.socket("REQ");
await req.connect("wss://localhost:${port}/zmq");
await req.send("over tls");
const [a] = await req.receive({ timeout: 10000 });
console.log(new TextDecoder().decode(a));
req.close();
await ctx.term();
`,
      );
      // The runtime's WebSocket trusts what its runtime trusts: the test CA, added here.
      const trust = runtime === "deno"
        ? `DENO_CERT=${join(dir, "ca.pem")}`
        : `NODE_EXTRA_CA_CERTS=${join(dir, "ca.pem")}`;
      const args = runtime === "deno"
        ? [trust, process.execPath, "run", "-A", join(dir, "page.ts")]
        : [trust, process.execPath, join(dir, "page.ts")];
      const child = runCommand("env", args, { timeout: 20_000 });
      const q = await rep.receive({ timeout: RECV_MS });
      assert.deepEqual(texts(q), ["over tls"]);
      await rep.send("answered over tls");
      const r = await child;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "answered over tls");
    } finally {
      removeDir(dir);
    }
  },
  { skip: skip || (runtime === "node" ? "Node 20 has no standard WebSocket" : false) },
);
