/**
 * A libzmq peer (zeromq.js 6.x on Node) driven over stdin/stdout, one JSON object per line.
 * Interop tests and the demo spawn it with `node tests/interop/_zmq_peer.mjs` and talk to
 * it through `spawnLines` (tests/_harness.ts). Commands run one at a time, in order; every
 * command gets exactly one reply line: `{"ok":true,...}` or `{"ok":false,"error":"..."}`.
 *
 *   {op:"socket", id, type:"PUSH"|"PULL"|"PAIR"|"REQ"|"REP"|"DEALER"|"ROUTER"|"PUB"|"SUB"|
 *                          "XPUB"|"XSUB", options?:{linger, sendHighWaterMark, ...}}
 *                                        options are zeromq.js socket properties, security too:
 *                                        curveServer, curvePublicKey, curveSecretKey,
 *                                        curveServerKey (Z85), plainServer, plainUsername,
 *                                        plainPassword, zapDomain, routingId
 *   {op:"setopt", id, options:{...}}     sets the same properties on an existing socket
 *   {op:"bind", id, endpoint}            -> {ok, endpoint}  (the actual endpoint, port resolved;
 *                                        ws://: with its path, "/" if none. libzmq accepts a
 *                                        port of 0 or * for ws too, and a path of one segment
 *                                        only: a bind to ws://h:p/a/b fails with EINVAL)
 *   {op:"connect", id, endpoint}
 *   {op:"subscribe", id, prefix?}        (SUB; prefix base64, default everything)
 *   {op:"send", id, parts:[base64...], timeout?}
 *   {op:"sendMany", id, messages:[[base64...]...], timeout?}   -> {ok, sent}
 *   {op:"sendSeq", id, count, size?, timeout?}  count messages; message i is a 4-byte big-endian
 *                                        i followed by size-4 bytes of (i & 255)  -> {ok, sent}
 *   {op:"recv", id, timeout?}            -> {ok, parts:[base64...]} | {ok:false, error:"EAGAIN"}
 *   {op:"recvMany", id, count, timeout?} -> {ok, messages:[[base64...]...]} (timeout is for all)
 *   {op:"close", id, linger?}
 *   {op:"monitor", id}                   start recording the socket's events (before connect)
 *   {op:"events", id}                    -> {ok, events:[{type, address, error?}...]} recorded
 *                                        so far; error: handshake:error:auth -> the ZAP status
 *                                        ("400"), handshake:error:protocol -> zeromq.js's code
 *                                        (over ws:// libzmq 4.3.5 reports "handshake" twice per
 *                                        connection: count connects or accepts, not handshakes)
 *   {op:"curveKeypair"}                  -> {ok, publicKey, secretKey} (Z85, from libzmq)
 *   {op:"zapStart", users?:{name:password}, curveKeys?:[Z85...]|"*", allowNull?}
 *                                        binds a ZAP handler (RFC 27) at inproc://zeromq.zap.01
 *                                        in the peer's context: PLAIN is allowed if the user is
 *                                        listed with that password, CURVE if the client's key
 *                                        is listed (or curveKeys is "*"), NULL if allowNull
 *                                        (default true); else 400. User id: the PLAIN username,
 *                                        the CURVE key in Z85 (as pyzmq's authenticator)
 *   {op:"zapRequests"}                   -> {ok, requests:[{version, requestId, domain, address,
 *                                        identity, mechanism, credentials, status, userId}...]}
 *                                        every request so far; credentials: PLAIN [username,
 *                                        password], CURVE [client key in Z85]; identity base64
 *   {op:"zapStop"}                       unbinds the handler (also on exit)
 *   {op:"transports"}                    -> {ok, ws, wss, version}: whether this libzmq binds
 *                                        ws:// and wss:// (draft builds only; zeromq.js
 *                                        6.8's libzmq 4.3.5 has ws, not wss), found by a
 *                                        bind of a throwaway socket to 127.0.0.1 port *
 *   {op:"pid"}                           -> {ok, pid} (tests freeze the peer with SIGSTOP)
 *   {op:"exit"}                          -> {ok} then the process exits (also on stdin end)
 *
 * Timeouts are milliseconds (default 5000); no receive or send waits longer.
 *
 * Runs on: Node (never import zeromq from Deno or Bun: it panics on Bun and hangs on Deno).
 */
import * as zmq from "zeromq";
import { createInterface } from "node:readline";

const CLASSES = {
  PAIR: zmq.Pair,
  PUB: zmq.Publisher,
  SUB: zmq.Subscriber,
  REQ: zmq.Request,
  REP: zmq.Reply,
  DEALER: zmq.Dealer,
  ROUTER: zmq.Router,
  PULL: zmq.Pull,
  PUSH: zmq.Push,
  XPUB: zmq.XPublisher,
  XSUB: zmq.XSubscriber,
  XREQ: zmq.Dealer,
  XREP: zmq.Router,
};
const DEFAULT_TIMEOUT = 5000;
const sockets = new Map();
/** Socket id → the events recorded since `monitor`. */
const events = new Map();

/** The running ZAP handler: its socket, allow lists and the requests it answered. */
let zap = null;

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Z85 (RFC 32) of `b`, whose length is a multiple of 4 (a 32-byte key gives 40 chars). */
function z85(b) {
  let out = "";
  for (let i = 0; i < b.length; i += 4) {
    let v = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    let chunk = "";
    for (let j = 0; j < 5; j++) {
      chunk = Z85[v % 85] + chunk;
      v = Math.floor(v / 85);
    }
    out += chunk;
  }
  return out;
}

/** Answers one ZAP request (frames after the envelope) and records it. */
function zapAnswer(f) {
  const [version, requestId, domain, address, identity, mechanism, ...creds] = f;
  const mech = mechanism?.toString() ?? "";
  let status = "400", text = "denied", userId = "", credentials = [];
  if (version?.toString() !== "1.0") {
    status = "500";
    text = "bad version";
  } else if (mech === "PLAIN") {
    credentials = creds.map((c) => c.toString());
    const [user, pass] = credentials;
    if (Object.hasOwn(zap.users, user) && zap.users[user] === pass) {
      status = "200";
      userId = user;
    }
  } else if (mech === "CURVE") {
    const key = creds[0] && creds[0].length === 32 ? z85(creds[0]) : "";
    credentials = [key];
    if (key && (zap.curveKeys === "*" || zap.curveKeys.includes(key))) {
      status = "200";
      userId = key;
    }
  } else if (mech === "NULL" && zap.allowNull) {
    status = "200";
  }
  if (status === "200") text = "OK";
  zap.requests.push({
    version: version?.toString() ?? "",
    requestId: requestId?.toString() ?? "",
    domain: domain?.toString() ?? "",
    address: address?.toString() ?? "",
    identity: identity ? b64(identity) : "",
    mechanism: mech,
    credentials,
    status,
    userId,
  });
  return [version ?? "1.0", requestId ?? "", status, text, userId, ""];
}

const b64 = (buf) => Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("base64");
const unb64 = (s) => Buffer.from(s, "base64");

function sock(id) {
  const s = sockets.get(id);
  if (!s) throw new Error(`no socket ${id}`);
  return s;
}

function errText(e) {
  return e?.code ?? e?.message ?? String(e);
}

async function recvOne(s, timeout) {
  s.receiveTimeout = timeout;
  const parts = await s.receive();
  return parts.map(b64);
}

async function sendOne(s, parts, timeout) {
  s.sendTimeout = timeout;
  await s.send(parts.length === 1 ? parts[0] : parts);
}

const handlers = {
  socket(c) {
    const Cls = CLASSES[c.type];
    if (!Cls) throw new Error(`unknown socket type ${c.type}`);
    if (sockets.has(c.id)) throw new Error(`socket ${c.id} exists`);
    const s = new Cls({ linger: 1000, ...(c.options ?? {}) });
    sockets.set(c.id, s);
    return {};
  },
  setopt(c) {
    Object.assign(sock(c.id), c.options ?? {});
    return {};
  },
  curveKeypair() {
    return zmq.curveKeyPair();
  },
  async zapStart(c) {
    if (zap) throw new Error("a ZAP handler runs already");
    const router = new zmq.Router({ linger: 0 });
    await router.bind("inproc://zeromq.zap.01");
    zap = {
      router,
      users: c.users ?? {},
      curveKeys: c.curveKeys ?? [],
      allowNull: c.allowNull ?? true,
      requests: [],
    };
    const z = zap;
    (async () => {
      // Envelope from libzmq's session: [routing id, "", ...request frames].
      for await (const [rid, delim, ...f] of router) {
        if (z !== zap) break;
        await router.send([rid, delim, ...zapAnswer(f)]);
      }
    })().catch(() => {}); // ends when the router closes
    return {};
  },
  zapRequests() {
    return { requests: zap?.requests ?? [] };
  },
  zapStop() {
    if (zap) {
      zap.router.close();
      zap = null;
    }
    return {};
  },
  async bind(c) {
    const s = sock(c.id);
    await s.bind(c.endpoint);
    return { endpoint: s.lastEndpoint };
  },
  connect(c) {
    sock(c.id).connect(c.endpoint);
    return {};
  },
  subscribe(c) {
    const s = sock(c.id);
    if (c.prefix === undefined) s.subscribe();
    else s.subscribe(unb64(c.prefix));
    // libzmq attaches a new connection's pipe (and sends it the subscription set) only
    // when the socket processes its commands, i.e. on some call on it: make one.
    void s.readable;
    return {};
  },
  touch(c) {
    // Lets libzmq process pending commands (pipe attach etc.) on an idle socket.
    const s = sock(c.id);
    return { readable: s.readable, writable: s.writable };
  },
  async send(c) {
    await sendOne(sock(c.id), c.parts.map(unb64), c.timeout ?? DEFAULT_TIMEOUT);
    return {};
  },
  async sendMany(c) {
    const s = sock(c.id);
    let sent = 0;
    for (const m of c.messages) {
      await sendOne(s, m.map(unb64), c.timeout ?? DEFAULT_TIMEOUT);
      sent++;
    }
    return { sent };
  },
  async sendSeq(c) {
    const s = sock(c.id);
    const size = Math.max(4, c.size ?? 4);
    s.sendTimeout = c.timeout ?? DEFAULT_TIMEOUT;
    let sent = 0;
    for (let i = 0; i < c.count; i++) {
      const b = Buffer.alloc(size, i & 255);
      b.writeUInt32BE(i >>> 0, 0);
      await s.send(b);
      sent++;
    }
    return { sent };
  },
  async recv(c) {
    return { parts: await recvOne(sock(c.id), c.timeout ?? DEFAULT_TIMEOUT) };
  },
  async recvMany(c) {
    const s = sock(c.id);
    const end = Date.now() + (c.timeout ?? DEFAULT_TIMEOUT);
    const messages = [];
    while (messages.length < c.count) {
      const left = end - Date.now();
      if (left <= 0) return { ok: false, error: "EAGAIN", messages };
      try {
        messages.push(await recvOne(s, left));
      } catch (e) {
        return { ok: false, error: errText(e), messages };
      }
    }
    return { messages };
  },
  close(c) {
    const s = sock(c.id);
    if (c.linger !== undefined) s.linger = c.linger;
    s.close();
    sockets.delete(c.id);
    return {};
  },
  monitor(c) {
    const s = sock(c.id);
    const log = [];
    events.set(c.id, log);
    (async () => {
      for await (const e of s.events) {
        const ev = { type: e.type, address: e.address };
        if (e.type === "handshake:error:auth") ev.error = String(e.error?.status ?? "");
        else if (e.type.startsWith("handshake:error")) ev.error = String(e.error?.code ?? "");
        log.push(ev);
      }
    })().catch(() => {}); // ends with the socket
    return {};
  },
  events(c) {
    return { events: events.get(c.id) ?? [] };
  },
  async transports() {
    const can = async (scheme) => {
      const s = new zmq.Pair({ linger: 0 });
      try {
        await s.bind(`${scheme}://127.0.0.1:*/probe`);
        return true;
      } catch {
        return false;
      } finally {
        s.close();
      }
    };
    return { ws: await can("ws"), wss: await can("wss"), version: zmq.version };
  },
  pid() {
    return { pid: process.pid };
  },
  exit() {
    return {};
  },
};

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function shutdown(code) {
  handlers.zapStop();
  for (const s of sockets.values()) {
    try {
      s.linger = 0;
      s.close();
    } catch { /* already closed */ }
  }
  sockets.clear();
  // Let stdout drain, then leave even if libzmq still holds something.
  process.stdout.write("", () => process.exit(code));
  setTimeout(() => process.exit(code), 500).unref();
}

// Commands run strictly in arrival order.
let chain = Promise.resolve();
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (!line.trim()) return;
  chain = chain.then(async () => {
    let c;
    try {
      c = JSON.parse(line);
    } catch {
      reply({ ok: false, error: "bad JSON" });
      return;
    }
    const h = handlers[c.op];
    if (!h) {
      reply({ ok: false, error: `unknown op ${c.op}` });
      return;
    }
    try {
      reply({ ok: true, ...(await h(c)) });
    } catch (e) {
      reply({ ok: false, error: errText(e) });
    }
    if (c.op === "exit") shutdown(0);
  });
});
rl.on("close", () => chain.then(() => shutdown(0)));
