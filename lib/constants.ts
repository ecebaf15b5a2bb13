/**
 * Every constant of Crossroads I/O 1.2.0 `xs/xs.h`, with the same names and values,
 * plus the POSIX errno values (Linux numbering) the library reports.
 *
 * Runs on: both threads (pure data).
 */

/** Version of the Crossroads API this package implements. */
export const XS_VERSION_MAJOR = 1;
/** Minor version of the Crossroads API this package implements. */
export const XS_VERSION_MINOR = 2;
/** Patch version of the Crossroads API this package implements. */
export const XS_VERSION_PATCH = 0;
/** `XS_MAKE_VERSION(a, b, c)` = a*10000 + b*100 + c. */
export function XS_MAKE_VERSION(major: number, minor: number, patch: number): number {
  return major * 10000 + minor * 100 + patch;
}
/** 10200. */
export const XS_VERSION: number = XS_MAKE_VERSION(
  XS_VERSION_MAJOR,
  XS_VERSION_MINOR,
  XS_VERSION_PATCH,
);

/** Base of the library's own error numbers. */
export const XS_HAUSNUMERO = 156384712;

// POSIX errors, Linux values.
/** Interrupted call. */
export const EINTR = 4;
/** No such file or directory. */
export const ENOENT = 2;
/** Resource temporarily unavailable (would block, or timeout). */
export const EAGAIN = 11;
/** Out of memory. */
export const ENOMEM = 12;
/** Permission denied. */
export const EACCES = 13;
/** Bad address (invalid message or context). */
export const EFAULT = 14;
/** No such device (unknown interface). */
export const ENODEV = 19;
/** Invalid argument. */
export const EINVAL = 22;
/** Too many open sockets. */
export const EMFILE = 24;
/** File name too long (ipc path). */
export const ENAMETOOLONG = 36;
/** Socket operation on non-socket. */
export const ENOTSOCK = 88;
/** Protocol not supported. */
export const EPROTONOSUPPORT = 93;
/** Operation not supported. */
export const ENOTSUP = 95;
/** Address family not supported by protocol. */
export const EAFNOSUPPORT = 97;
/** Address already in use. */
export const EADDRINUSE = 98;
/** Cannot assign requested address. */
export const EADDRNOTAVAIL = 99;
/** Network is down. */
export const ENETDOWN = 100;
/** No buffer space available. */
export const ENOBUFS = 105;
/** Connection timed out (survey deadline). */
export const ETIMEDOUT = 110;
/** Connection refused. */
export const ECONNREFUSED = 111;
/** Operation now in progress. */
export const EINPROGRESS = 115;
/** No route to host (reserved for routing sockets). */
export const EHOSTUNREACH = 113;
/** Operation not permitted (a bind where the file system forbids a socket file, e.g. sysfs). */
export const EPERM = 1;
/** Input/output error (an OS failure the runtime named no errno for). */
export const EIO = 5;
/** Not a directory (an ipc path through a file). */
export const ENOTDIR = 20;
/** Too many open files in the system. */
export const ENFILE = 23;
/** Read-only file system (an ipc path there). */
export const EROFS = 30;
/** Too many levels of symbolic links (an ipc path). */
export const ELOOP = 40;

// Native Crossroads errors.
/** Operation cannot be accomplished in current state. */
export const EFSM: number = XS_HAUSNUMERO + 51;
/** The protocol is not compatible with the socket type. */
export const ENOCOMPATPROTO: number = XS_HAUSNUMERO + 52;
/** Context was terminated. */
export const ETERM: number = XS_HAUSNUMERO + 53;
/** No thread available (never set). */
export const EMTHREAD: number = XS_HAUSNUMERO + 54;

// Context options.
/** Context option: maximum number of live sockets (default 512). */
export const XS_MAX_SOCKETS = 1;
/** Context option: number of I/O threads (default 1). */
export const XS_IO_THREADS = 2;
/** Context option: register a filter plug-in. */
export const XS_PLUGIN = 3;

// Socket types.
/** Exclusive pair. */
export const XS_PAIR = 0;
/** Publisher. */
export const XS_PUB = 1;
/** Subscriber. */
export const XS_SUB = 2;
/** Requester. */
export const XS_REQ = 3;
/** Replier. */
export const XS_REP = 4;
/** Raw requester. */
export const XS_XREQ = 5;
/** Raw replier. */
export const XS_XREP = 6;
/** Pipeline receiver. */
export const XS_PULL = 7;
/** Pipeline sender. */
export const XS_PUSH = 8;
/** Raw publisher. */
export const XS_XPUB = 9;
/** Raw subscriber. */
export const XS_XSUB = 10;
/** Surveyor. */
export const XS_SURVEYOR = 11;
/** Respondent. */
export const XS_RESPONDENT = 12;
/** Raw surveyor. */
export const XS_XSURVEYOR = 13;
/** Raw respondent. */
export const XS_XRESPONDENT = 14;
/** Alias of XS_XREP. */
export const XS_ROUTER: number = XS_XREP;
/** Alias of XS_XREQ. */
export const XS_DEALER: number = XS_XREQ;

// Socket options.
/** I/O thread affinity bitmask (u64). */
export const XS_AFFINITY = 4;
/** Socket identity (1-255 bytes). */
export const XS_IDENTITY = 5;
/** SUB: add a subscription. */
export const XS_SUBSCRIBE = 6;
/** SUB: remove a subscription. */
export const XS_UNSUBSCRIBE = 7;
/** Multicast rate (kbit/s). */
export const XS_RATE = 8;
/** Multicast recovery interval (ms). */
export const XS_RECOVERY_IVL = 9;
/** OS send buffer size. */
export const XS_SNDBUF = 11;
/** OS receive buffer size. */
export const XS_RCVBUF = 12;
/** Get: last received part had MORE. */
export const XS_RCVMORE = 13;
/** Get: notification file descriptor. */
export const XS_FD = 14;
/** Get: readiness bitmask. */
export const XS_EVENTS = 15;
/** Get: socket type. */
export const XS_TYPE = 16;
/** Linger period on close (ms). */
export const XS_LINGER = 17;
/** Reconnect interval (ms). */
export const XS_RECONNECT_IVL = 18;
/** Listen backlog. */
export const XS_BACKLOG = 19;
/** Reconnect back-off cap (ms). */
export const XS_RECONNECT_IVL_MAX = 21;
/** Maximum inbound part size (i64). */
export const XS_MAXMSGSIZE = 22;
/** Send high-water mark (messages). */
export const XS_SNDHWM = 23;
/** Receive high-water mark (messages). */
export const XS_RCVHWM = 24;
/** Multicast hops. */
export const XS_MULTICAST_HOPS = 25;
/** Receive timeout (ms). */
export const XS_RCVTIMEO = 27;
/** Send timeout (ms). */
export const XS_SNDTIMEO = 28;
/** IPv4 only (1) or dual stack (0). */
export const XS_IPV4ONLY = 31;
/** TCP keepalive. */
export const XS_KEEPALIVE = 32;
/** 1 = 0MQ/2.1-compatible PUB/SUB. */
export const XS_PROTOCOL = 33;
/** Filter id for SUB subscriptions. */
export const XS_FILTER = 34;
/** Surveyor deadline (ms). */
export const XS_SURVEY_TIMEOUT = 35;

// Extension (not in xs.h): the wire dialect of a socket's tcp/ipc connections (docs/wire.md §4.4).
/** Socket option (extension): 0 auto, 1 xs1, 2 zmtp1, 3 zmtp3; copied at bind/connect. */
export const XS_WIRE_MODE = 1001;
/** XS_WIRE_MODE: detect ZMTP/3.x, 2.0 and 1.0 from the peer's first bytes (default). */
export const XS_WIRE_AUTO = 0;
/** XS_WIRE_MODE: speak Crossroads I/O 1.2.0's own wire, for real Crossroads peers. */
export const XS_WIRE_XS1 = 1;
/** XS_WIRE_MODE: speak 0MQ 2.x's wire (identity frames both ways, no subscriptions). */
export const XS_WIRE_ZMTP1 = 2;
/** XS_WIRE_MODE: ZMTP/3.x only (full greeting at once, legacy peers refused). */
export const XS_WIRE_ZMTP3 = 3;

// Extensions (not in xs.h): ZMTP/3.1 heartbeats (RFC 37) and the handshake timeout, as
// libzmq's ZMQ_HEARTBEAT_IVL, ZMQ_HEARTBEAT_TIMEOUT, ZMQ_HEARTBEAT_TTL and ZMQ_HANDSHAKE_IVL
// (docs/wire.md §7); all in ms, copied at bind/connect.
/** Socket option (extension): ms between PINGs on a ZMTP/3.x connection; 0 = none. */
export const XS_HEARTBEAT_IVL = 1002;
/** Socket option (extension): ms to wait for traffic after a PING; -1 (default) = the interval. */
export const XS_HEARTBEAT_TIMEOUT = 1003;
/** Socket option (extension): ms the peer may wait for traffic, sent in our PINGs (0.1 s units). */
export const XS_HEARTBEAT_TTL = 1004;
/** Socket option (extension): ms a new connection has to finish its handshake; 0 = no limit. */
export const XS_HANDSHAKE_IVL = 1005;

// Extensions (not in xs.h): ZMTP/3 security (ZeroMQ RFC 24 PLAIN, RFC 25/26 CURVE, RFC 27
// ZAP), as libzmq's ZMQ_PLAIN_*, ZMQ_CURVE_* and ZMQ_ZAP_DOMAIN (docs/security.md); copied
// at bind/connect. Keys are set as 32 bytes or 40 Z85 characters (41 with a NUL) and read
// as 32 bytes.
/** Socket option (extension): 1 = this socket is a PLAIN server (its peers log in). */
export const XS_PLAIN_SERVER = 1010;
/** Socket option (extension): PLAIN client's username, 0-255 bytes; setting one makes the socket a PLAIN client. */
export const XS_PLAIN_USERNAME = 1011;
/** Socket option (extension): PLAIN client's password, 0-255 bytes. */
export const XS_PLAIN_PASSWORD = 1012;
/** Socket option (extension): 1 = this socket is a CURVE server (needs XS_CURVE_SECRETKEY). */
export const XS_CURVE_SERVER = 1013;
/** Socket option (extension): our long-term CURVE public key. */
export const XS_CURVE_PUBLICKEY = 1014;
/** Socket option (extension): our long-term CURVE secret key. */
export const XS_CURVE_SECRETKEY = 1015;
/** Socket option (extension): the server's CURVE public key; setting it makes the socket a CURVE client. */
export const XS_CURVE_SERVERKEY = 1016;
/** Socket option (extension): the ZAP domain (RFC 27) asked of the authenticator; 0-255 bytes. */
export const XS_ZAP_DOMAIN = 1017;
/** Socket option (extension, read only): the mechanism later endpoints speak: XS_NULL 0, XS_PLAIN 1, XS_CURVE 2. */
export const XS_MECHANISM = 1018;

// Extensions (not in xs.h): wss:// (ZeroMQ over WebSocket over TLS), as libzmq's
// ZMQ_WSS_KEY_PEM 101, ZMQ_WSS_CERT_PEM 102, ZMQ_WSS_TRUST_PEM 103, ZMQ_WSS_HOSTNAME 104 and
// ZMQ_WSS_TRUST_SYSTEM 105, renumbered after ours; copied at bind/connect.
/** Socket option (extension): a wss:// bind's private key, PEM. */
export const XS_WSS_KEY_PEM = 1020;
/** Socket option (extension): a wss:// bind's certificate chain, PEM (leaf first). */
export const XS_WSS_CERT_PEM = 1021;
/** Socket option (extension): certificates a wss:// connect trusts, PEM (one or more). */
export const XS_WSS_TRUST_PEM = 1022;
/** Socket option (extension): the name a wss:// server's certificate must carry (default: the endpoint's host). */
export const XS_WSS_HOSTNAME = 1023;
/** Socket option (extension): 1 (default) = a wss:// connect also trusts the runtime's root certificates. */
export const XS_WSS_TRUST_SYSTEM = 1024;

// Extensions (not in xs.h): libzmq 4's routing controls, as its ZMQ_ROUTER_MANDATORY 33 and
// ZMQ_CONNECT_ROUTING_ID 61, renumbered after ours (33 is XS_PROTOCOL here); ROUTER only.
/** Socket option (extension): 1 = a ROUTER's message to an unknown peer fails (EHOSTUNREACH), one to a peer at its HWM waits or fails (EAGAIN), instead of being dropped. */
export const XS_ROUTER_MANDATORY = 1030;
/** Socket option (extension): the routing id (1–255 bytes, first not 0) the next connect's peer gets in a ROUTER; consumed by that connect. */
export const XS_CONNECT_ROUTING_ID = 1031;
/** XS_MECHANISM: no security. */
export const XS_NULL = 0;
/** XS_MECHANISM: PLAIN (RFC 24). */
export const XS_PLAIN = 1;
/** XS_MECHANISM: CURVE (RFC 25/26). */
export const XS_CURVE = 2;

// Message options, flags, events.
/** `xs_getmsgopt`: the part has MORE. */
export const XS_MORE = 1;
/** send/recv: never block. */
export const XS_DONTWAIT = 1;
/** send: more parts follow. */
export const XS_SNDMORE = 2;
/** Poll: readable. */
export const XS_POLLIN = 1;
/** Poll: writable. */
export const XS_POLLOUT = 2;
/** Poll: error (raw descriptors only). */
export const XS_POLLERR = 4;

// Filters.
/** `xs_filter_t.type` of a filter plug-in. */
export const XS_PLUGIN_FILTER = 1;
/** Declared, not implemented upstream. */
export const XS_FILTER_ALL = 0;
/** Prefix filter (default). */
export const XS_FILTER_PREFIX = 1;
/** Topic (wildcard) filter. */
export const XS_FILTER_TOPIC = 2;

/** Socket type names, indexed by their XS_* number. */
export const SOCKET_TYPE_NAMES = [
  "PAIR",
  "PUB",
  "SUB",
  "REQ",
  "REP",
  "XREQ",
  "XREP",
  "PULL",
  "PUSH",
  "XPUB",
  "XSUB",
  "SURVEYOR",
  "RESPONDENT",
  "XSURVEYOR",
  "XRESPONDENT",
] as const;
