#!/usr/bin/python3
"""pyzmq (libzmq) side of bench/curve_throughput.ts.

One process, one end of a PUSH->PULL stream over tcp, with the NULL or the
CURVE mechanism. Same roles, arguments and output lines as bench/_curve_peer.ts
(read its header for the contract):

    python3 bench/_curve_peer.py role=recv mech=curve size=1024 count=100000 \
        warmup=10000 server_public=... server_secret=...
    python3 bench/_curve_peer.py role=send mech=curve ... \
        endpoint=tcp://127.0.0.1:PORT client_public=... client_secret=...

The loops are pyzmq's plain blocking idiom: sock.send(bytes) / sock.recv()
with the defaults (copy=True). CPU time is resource.getrusage(RUSAGE_SELF):
the whole process, libzmq's I/O thread included. Every wait is bounded
(stall ms, default 20000). Needs a pyzmq whose libzmq has CURVE
(zmq.has("curve")), e.g. Debian's python3-zmq.

Runs on: CPython 3 with pyzmq.
"""
import json
import resource
import sys
import time

import zmq


def cpu_us():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e6


def emit(tag, obj):
    sys.stdout.write(tag + " " + json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main():
    a = dict(s.split("=", 1) for s in sys.argv[1:] if "=" in s)
    role = a.get("role")
    mech = a.get("mech", "null")
    size = int(a.get("size", 1024))
    count = int(a.get("count", 100000))
    warmup = int(a.get("warmup", 10000))
    stall = int(a.get("stall", 20000))
    runtime = "python %s, pyzmq %s / libzmq %s" % (
        sys.version.split()[0], zmq.pyzmq_version(), zmq.zmq_version())
    ctx = zmq.Context()
    if role == "recv":
        s = ctx.socket(zmq.PULL)
        s.setsockopt(zmq.RCVTIMEO, stall)
        s.setsockopt(zmq.LINGER, 0)
        if mech == "curve":
            s.curve_server = True
            s.curve_secretkey = a["server_secret"].encode()
            s.curve_publickey = a["server_public"].encode()
        s.bind("tcp://127.0.0.1:*")
        emit("READY", {"endpoint": s.getsockopt_string(zmq.LAST_ENDPOINT)})
        got = bad = 0
        recv = s.recv
        try:
            for _ in range(warmup):
                if len(recv()) != size:
                    bad += 1
                got += 1
            emit("WARM", {})
            if len(recv()) != size:
                bad += 1
            got += 1
            t0 = time.perf_counter()
            c0 = cpu_us()
            for _ in range(count - 1):
                if len(recv()) != size:
                    bad += 1
                got += 1
        except zmq.Again:
            sys.stderr.write("_curve_peer.py recv %s: receive: timed out after %d messages\n"
                             % (mech, got))
            return 1
        seconds = time.perf_counter() - t0
        cpu = cpu_us() - c0
        msgs = count - 1
        emit("RESULT", {"msgs": msgs, "seconds": seconds, "msg_s": msgs / seconds,
                        "cpu_us": cpu, "bad": bad, "runtime": runtime})
        s.close()
        ctx.term()
        return 3 if bad else 0
    if role == "send":
        s = ctx.socket(zmq.PUSH)
        s.setsockopt(zmq.SNDTIMEO, stall)
        s.setsockopt(zmq.LINGER, -1)
        if mech == "curve":
            s.curve_serverkey = a["server_public"].encode()
            s.curve_publickey = a["client_public"].encode()
            s.curve_secretkey = a["client_secret"].encode()
        s.connect(a["endpoint"])
        msg = b"x" * size
        send = s.send
        sent = 0
        try:
            for _ in range(warmup):
                send(msg)
                sent += 1
            sys.stdin.readline()
            c0 = cpu_us()
            t0 = time.perf_counter()
            for _ in range(count):
                send(msg)
                sent += 1
        except zmq.Again:
            sys.stderr.write("_curve_peer.py send %s: send: timed out after %d messages\n"
                             % (mech, sent))
            return 1
        send_s = time.perf_counter() - t0
        sys.stdin.readline()
        emit("RESULT", {"sent": count, "send_s": send_s, "cpu_us": cpu_us() - c0,
                        "runtime": runtime})
        s.close()
        ctx.term()
        return 0
    sys.stderr.write("_curve_peer.py: role=recv or role=send, not %s\n" % role)
    return 1


if __name__ == "__main__":
    sys.exit(main())
