# A libzmq peer through pyzmq (the libzmq its wheel bundles), driven over stdin/stdout with
# one JSON object per line: the same protocol as _zmq_peer.mjs (zeromq.js), for the commands
# the interop tests use with both peers. Every command gets exactly one reply line,
# {"ok": true, ...} or {"ok": false, "error": "..."}.
#
#   {op:"socket", id, type, options?:{linger, heartbeatInterval, heartbeatTimeout,
#                                     heartbeatTimeToLive, handshakeInterval, routingId,
#                                     curveServer, curvePublicKey, curveSecretKey,
#                                     curveServerKey, plainServer, plainUsername,
#                                     plainPassword, zapDomain, ...}}  (zeromq.js's names;
#                                     keys in Z85)
#   {op:"setopt", id, options:{...}}  (the same options on an existing socket)
#   {op:"bind", id, endpoint} -> {ok, endpoint}      {op:"connect", id, endpoint}
#   {op:"subscribe", id, prefix?}  (SUB; prefix base64, default everything)
#   {op:"touch", id} -> {ok, readable, writable}  (lets libzmq process pending commands)
#   {op:"send", id, parts:[base64...], timeout?}
#   {op:"sendMany", id, messages:[[base64...]...], timeout?} -> {ok, sent}
#   {op:"recv", id, timeout?} -> {ok, parts}        {op:"recvMany", id, count, timeout?}
#   {op:"monitor", id}        (start recording the socket's events; before connect/bind)
#   {op:"events", id} -> {ok, events:[{type, address, error?}...]}  (zeromq.js's event
#                             names; error: the ZAP status of handshake:error:auth ("400"),
#                             libzmq's ZMTP error number of handshake:error:protocol)
#   {op:"curveKeypair"} -> {ok, publicKey, secretKey}  (Z85, from libzmq)
#   {op:"zapStart", users?:{name: password}, curveKeys?:[Z85...]|"*", allowNull?}
#                             a ZAP handler (RFC 27) on a REP at inproc://zeromq.zap.01 in
#                             the peer's context, in a thread: PLAIN allowed if the user is
#                             listed with that password, CURVE if the client's key is listed
#                             (or "*"), NULL if allowNull (default true), else 400. User id:
#                             the PLAIN username, the CURVE key in Z85 (as pyzmq's own
#                             authenticator)
#   {op:"zapRequests"} -> {ok, requests:[{version, requestId, domain, address, identity,
#                             mechanism, credentials, status, userId}...]}  (credentials:
#                             PLAIN [username, password], CURVE [key in Z85]; identity base64)
#   {op:"zapStop"}            (also on exit)
#   {op:"pid"} -> {ok, pid}   {op:"close", id, linger?}     {op:"exit"}
#
# Timeouts are milliseconds (default 5000).
#
# Runs on: /usr/bin/python3 in a child process of the test runner (Deno or Bun).
import base64
import json
import os
import sys
import threading
import time

import zmq
from zmq.utils import z85
from zmq.utils.monitor import recv_monitor_message

TYPES = {
    "PAIR": zmq.PAIR, "PUB": zmq.PUB, "SUB": zmq.SUB, "REQ": zmq.REQ, "REP": zmq.REP,
    "DEALER": zmq.DEALER, "ROUTER": zmq.ROUTER, "PULL": zmq.PULL, "PUSH": zmq.PUSH,
    "XPUB": zmq.XPUB, "XSUB": zmq.XSUB,
}
# zeromq.js option names -> libzmq options.
OPTIONS = {
    "linger": zmq.LINGER,
    "sendHighWaterMark": zmq.SNDHWM,
    "receiveHighWaterMark": zmq.RCVHWM,
    "reconnectInterval": zmq.RECONNECT_IVL,
    "heartbeatInterval": zmq.HEARTBEAT_IVL,
    "heartbeatTimeout": zmq.HEARTBEAT_TIMEOUT,
    "heartbeatTimeToLive": zmq.HEARTBEAT_TTL,
    "handshakeInterval": zmq.HANDSHAKE_IVL,
    "routingId": zmq.ROUTING_ID,
    "curveServer": zmq.CURVE_SERVER,
    "curvePublicKey": zmq.CURVE_PUBLICKEY,
    "curveSecretKey": zmq.CURVE_SECRETKEY,
    "curveServerKey": zmq.CURVE_SERVERKEY,
    "plainServer": zmq.PLAIN_SERVER,
    "plainUsername": zmq.PLAIN_USERNAME,
    "plainPassword": zmq.PLAIN_PASSWORD,
    "zapDomain": zmq.ZAP_DOMAIN,
}
EVENTS = {
    zmq.EVENT_CONNECTED: "connect",
    zmq.EVENT_CONNECT_DELAYED: "connect:delay",
    zmq.EVENT_CONNECT_RETRIED: "connect:retry",
    zmq.EVENT_LISTENING: "bind",
    zmq.EVENT_BIND_FAILED: "bind:error",
    zmq.EVENT_ACCEPTED: "accept",
    zmq.EVENT_ACCEPT_FAILED: "accept:error",
    zmq.EVENT_CLOSED: "close",
    zmq.EVENT_CLOSE_FAILED: "close:error",
    zmq.EVENT_DISCONNECTED: "disconnect",
    zmq.EVENT_MONITOR_STOPPED: "end",
    getattr(zmq, "EVENT_HANDSHAKE_SUCCEEDED", 0x1000): "handshake",
    getattr(zmq, "EVENT_HANDSHAKE_FAILED_NO_DETAIL", 0x0800): "handshake:error:other",
    getattr(zmq, "EVENT_HANDSHAKE_FAILED_PROTOCOL", 0x2000): "handshake:error:protocol",
    getattr(zmq, "EVENT_HANDSHAKE_FAILED_AUTH", 0x4000): "handshake:error:auth",
}

ctx = zmq.Context()
sockets = {}
monitors = {}
seen = {}


def sock(i):
    if i not in sockets:
        raise RuntimeError(f"no socket {i}")
    return sockets[i]


def drain(i):
    m = monitors.get(i)
    while m is not None:
        try:
            e = recv_monitor_message(m, zmq.NOBLOCK)
        except zmq.Again:
            break
        name = EVENTS.get(e["event"], "unknown")
        addr = e.get("endpoint", b"")
        addr = addr.decode() if isinstance(addr, bytes) else addr
        ev = {"type": name, "address": addr}
        if name.startswith("handshake:error"):
            ev["error"] = str(e.get("value", ""))
        seen[i].append(ev)
    return seen.get(i, [])


def set_options(s, opts):
    for k, v in opts.items():
        if k not in OPTIONS:
            raise RuntimeError(f"unknown option {k}")
        if isinstance(v, bool):
            v = int(v)
        elif isinstance(v, str):
            v = v.encode()
        s.setsockopt(OPTIONS[k], v)


def op_socket(c):
    if c["id"] in sockets:
        raise RuntimeError(f"socket {c['id']} exists")
    s = ctx.socket(TYPES[c["type"]])
    try:
        set_options(s, {"linger": 1000, **(c.get("options") or {})})
    except Exception:
        s.close(0)
        raise
    sockets[c["id"]] = s
    return {}


def op_setopt(c):
    set_options(sock(c["id"]), c.get("options") or {})
    return {}


def op_subscribe(c):
    s = sock(c["id"])
    s.setsockopt(zmq.SUBSCRIBE, base64.b64decode(c["prefix"]) if "prefix" in c else b"")
    s.getsockopt(zmq.EVENTS)  # lets libzmq process pending commands (as the zeromq.js peer)
    return {}


def op_touch(c):
    ev = sock(c["id"]).getsockopt(zmq.EVENTS)
    return {"readable": bool(ev & zmq.POLLIN), "writable": bool(ev & zmq.POLLOUT)}


def op_curveKeypair(_c):
    public, secret = zmq.curve_keypair()
    return {"publicKey": public.decode(), "secretKey": secret.decode()}


class ZapHandler(threading.Thread):
    """A ZAP handler (RFC 27) on a REP socket at inproc://zeromq.zap.01, in its own thread."""

    def __init__(self, users, curve_keys, allow_null):
        super().__init__(daemon=True)
        self.users = users
        self.curve_keys = curve_keys
        self.allow_null = allow_null
        self.requests = []
        self.lock = threading.Lock()
        self.halt = threading.Event()
        # Bound here so that a bind error is this command's reply; used only by the thread.
        self.sock = ctx.socket(zmq.REP)
        self.sock.setsockopt(zmq.LINGER, 0)
        try:
            self.sock.bind("inproc://zeromq.zap.01")
        except Exception:
            self.sock.close(0)
            raise

    def answer(self, f):
        f = f + [b""] * max(0, 6 - len(f))
        version, request_id, domain, address, identity, mechanism = f[:6]
        creds = f[6:]
        mech = mechanism.decode(errors="replace")
        status, text, user_id, credentials = b"400", b"denied", "", []
        if version != b"1.0":
            status, text = b"500", b"bad version"
        elif mech == "PLAIN":
            credentials = [x.decode(errors="replace") for x in creds]
            if len(credentials) == 2 and self.users.get(credentials[0]) == credentials[1]:
                status, user_id = b"200", credentials[0]
        elif mech == "CURVE":
            key = z85.encode(creds[0]).decode() if creds and len(creds[0]) == 32 else ""
            credentials = [key]
            if key and (self.curve_keys == "*" or key in self.curve_keys):
                status, user_id = b"200", key
        elif mech == "NULL" and self.allow_null:
            status = b"200"
        if status == b"200":
            text = b"OK"
        with self.lock:
            self.requests.append({
                "version": version.decode(errors="replace"),
                "requestId": request_id.decode(errors="replace"),
                "domain": domain.decode(errors="replace"),
                "address": address.decode(errors="replace"),
                "identity": base64.b64encode(identity).decode(),
                "mechanism": mech,
                "credentials": credentials,
                "status": status.decode(),
                "userId": user_id,
            })
        return [version, request_id, status, text, user_id.encode(), b""]

    def run(self):
        poller = zmq.Poller()
        poller.register(self.sock, zmq.POLLIN)
        try:
            while not self.halt.is_set():
                if not poller.poll(20):
                    continue
                self.sock.send_multipart(self.answer(self.sock.recv_multipart()))
        finally:
            self.sock.close(0)

    def stop(self):
        self.halt.set()
        self.join(2)


zap = None


def op_zapStart(c):
    global zap
    if zap is not None:
        raise RuntimeError("a ZAP handler runs already")
    zap = ZapHandler(c.get("users") or {}, c.get("curveKeys") or [], c.get("allowNull", True))
    zap.start()
    return {}


def op_zapRequests(_c):
    if zap is None:
        return {"requests": []}
    with zap.lock:
        return {"requests": list(zap.requests)}


def op_zapStop(_c):
    global zap
    if zap is not None:
        zap.stop()
        zap = None
    return {}


def op_bind(c):
    s = sock(c["id"])
    s.bind(c["endpoint"])
    return {"endpoint": s.getsockopt(zmq.LAST_ENDPOINT).decode()}


def op_connect(c):
    sock(c["id"]).connect(c["endpoint"])
    return {}


def op_send(c):
    s = sock(c["id"])
    s.setsockopt(zmq.SNDTIMEO, c.get("timeout", 5000))
    s.send_multipart([base64.b64decode(p) for p in c["parts"]])
    return {}


def op_sendMany(c):
    s = sock(c["id"])
    s.setsockopt(zmq.SNDTIMEO, c.get("timeout", 5000))
    sent = 0
    for m in c["messages"]:
        s.send_multipart([base64.b64decode(p) for p in m])
        sent += 1
    return {"sent": sent}


def recv_one(s, timeout):
    s.setsockopt(zmq.RCVTIMEO, max(1, int(timeout)))
    return [base64.b64encode(p).decode() for p in s.recv_multipart()]


def op_recv(c):
    return {"parts": recv_one(sock(c["id"]), c.get("timeout", 5000))}


def op_recvMany(c):
    s = sock(c["id"])
    end = time.monotonic() + c.get("timeout", 5000) / 1000
    messages = []
    while len(messages) < c["count"]:
        left = (end - time.monotonic()) * 1000
        if left <= 0:
            return {"ok": False, "error": "EAGAIN", "messages": messages}
        try:
            messages.append(recv_one(s, left))
        except zmq.Again:
            return {"ok": False, "error": "EAGAIN", "messages": messages}
    return {"messages": messages}


def op_monitor(c):
    i = c["id"]
    monitors[i] = sock(i).get_monitor_socket()
    seen[i] = []
    return {}


def op_events(c):
    return {"events": drain(c["id"])}


def op_pid(_c):
    return {"pid": os.getpid()}


def op_close(c):
    i = c["id"]
    s = sock(i)
    if i in monitors:
        s.disable_monitor()
        monitors.pop(i).close(0)
    s.close(c.get("linger", 1000))
    del sockets[i]
    return {}


def op_exit(_c):
    return {}


def shutdown():
    op_zapStop({})
    for i, m in list(monitors.items()):
        try:
            sockets[i].disable_monitor()
        except Exception:
            pass
        m.close(0)
    for s in sockets.values():
        s.close(0)
    ctx.term()


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            c = json.loads(line)
        except ValueError:
            print(json.dumps({"ok": False, "error": "bad JSON"}), flush=True)
            continue
        h = globals().get("op_" + str(c.get("op")))
        try:
            if h is None:
                raise RuntimeError(f"unknown op {c.get('op')}")
            r = {"ok": True, **h(c)}
        except zmq.Again:
            r = {"ok": False, "error": "EAGAIN"}
        except Exception as e:  # noqa: BLE001 - every failure is one reply line
            r = {"ok": False, "error": str(e)}
        print(json.dumps(r), flush=True)
        if c.get("op") == "exit":
            break
    shutdown()


main()
