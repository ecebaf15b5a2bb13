# A libzmq peer through pyzmq (the libzmq its wheel bundles), driven over stdin/stdout with
# one JSON object per line: the same protocol as _zmq_peer.mjs (zeromq.js), for the commands
# the interop tests use with both peers. Every command gets exactly one reply line,
# {"ok": true, ...} or {"ok": false, "error": "..."}.
#
#   {op:"socket", id, type, options?:{linger, heartbeatInterval, heartbeatTimeout,
#                                     heartbeatTimeToLive, handshakeInterval, ...}}
#   {op:"bind", id, endpoint} -> {ok, endpoint}      {op:"connect", id, endpoint}
#   {op:"send", id, parts:[base64...], timeout?}
#   {op:"recv", id, timeout?} -> {ok, parts}        {op:"recvMany", id, count, timeout?}
#   {op:"monitor", id}        (start recording the socket's events; before connect/bind)
#   {op:"events", id} -> {ok, events:[{type, address}...]}  (zeromq.js's event names)
#   {op:"pid"} -> {ok, pid}   {op:"close", id, linger?}     {op:"exit"}
#
# Timeouts are milliseconds (default 5000).
#
# Runs on: /usr/bin/python3 in a child process of the test runner (Deno or Bun).
import base64
import json
import os
import sys
import time

import zmq
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
        seen[i].append({"type": name, "address": addr})
    return seen.get(i, [])


def op_socket(c):
    if c["id"] in sockets:
        raise RuntimeError(f"socket {c['id']} exists")
    s = ctx.socket(TYPES[c["type"]])
    opts = {"linger": 1000, **(c.get("options") or {})}
    for k, v in opts.items():
        if k not in OPTIONS:
            raise RuntimeError(f"unknown option {k}")
        s.setsockopt(OPTIONS[k], v)
    sockets[c["id"]] = s
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
