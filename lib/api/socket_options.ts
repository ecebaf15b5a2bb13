/**
 * The option accessors of the idiomatic face's `Socket`: one typed getter/setter per
 * Crossroads option (camelCase of the `XS_` name: `sndhwm`, `rcvtimeo`, ...), and
 * readable aliases under the names zeromq.js users know (`sendHighWaterMark`,
 * `receiveTimeout`, `routingId`, ...; the table is `OPTION_ALIASES` in options.ts). Every
 * accessor reads and writes through socket_state.ts by the option table. `Socket`
 * (socket.ts) extends this class; it is never made alone.
 *
 * Runs on: API thread.
 */
import { XS_CURVE, XS_MECHANISM, XS_PLAIN } from "../constants.ts";
import type { WireMode } from "./options.ts";
import { type SocketState, stateOf } from "./socket_state.ts";

const st = (s: object): SocketState => stateOf(s)!;

/** The option accessors every `Socket` has (see `Socket`; made by `Context.socket`). */
export class SocketOptionAccessors {
  /** Wire dialect of later tcp/ipc endpoints (extension `XS_WIRE_MODE`, docs/wire.md §4.4). */
  get wire(): WireMode {
    return st(this).get("wire");
  }
  set wire(v: WireMode) {
    st(this).set("wire", v);
  }
  /** Outbound queue limit per peer, in messages; 0 = none (`XS_SNDHWM`). */
  get sndhwm(): number {
    return st(this).get("sndhwm");
  }
  set sndhwm(v: number) {
    st(this).set("sndhwm", v);
  }
  /** Inbound queue limit per peer, in messages; 0 = none (`XS_RCVHWM`). */
  get rcvhwm(): number {
    return st(this).get("rcvhwm");
  }
  set rcvhwm(v: number) {
    st(this).set("rcvhwm", v);
  }
  /** ms to keep flushing queued messages after close; negative = forever (`XS_LINGER`). */
  get linger(): number {
    return st(this).get("linger");
  }
  set linger(v: number) {
    st(this).set("linger", v);
  }
  /** Socket identity, 1–255 bytes not starting with 0; empty if unset (`XS_IDENTITY`). */
  get identity(): Uint8Array {
    return st(this).get("identity");
  }
  set identity(v: Uint8Array | string) {
    st(this).set("identity", v);
  }
  /** Reconnect delay in ms (`XS_RECONNECT_IVL`). */
  get reconnectIvl(): number {
    return st(this).get("reconnectIvl");
  }
  set reconnectIvl(v: number) {
    st(this).set("reconnectIvl", v);
  }
  /** Reconnect back-off cap in ms; used if above `reconnectIvl` (`XS_RECONNECT_IVL_MAX`). */
  get reconnectIvlMax(): number {
    return st(this).get("reconnectIvlMax");
  }
  set reconnectIvlMax(v: number) {
    st(this).set("reconnectIvlMax", v);
  }
  /**
   * Inbound part size limit in bytes, -1 = none (`XS_MAXMSGSIZE`): a number when it
   * fits a safe integer, else a bigint.
   */
  get maxmsgsize(): number | bigint {
    return st(this).get("maxmsgsize");
  }
  set maxmsgsize(v: number | bigint) {
    st(this).set("maxmsgsize", v);
  }
  /** Default receive timeout in ms; -1 = none (`XS_RCVTIMEO`). */
  get rcvtimeo(): number {
    return st(this).get("rcvtimeo");
  }
  set rcvtimeo(v: number) {
    st(this).set("rcvtimeo", v);
  }
  /** Default send timeout in ms; -1 = none (`XS_SNDTIMEO`). */
  get sndtimeo(): number {
    return st(this).get("sndtimeo");
  }
  set sndtimeo(v: number) {
    st(this).set("sndtimeo", v);
  }
  /** SURVEYOR deadline in ms (`XS_SURVEY_TIMEOUT`); ENOTSUP on other types. */
  get surveyTimeout(): number {
    return st(this).get("surveyTimeout");
  }
  set surveyTimeout(v: number) {
    st(this).set("surveyTimeout", v);
  }
  /** Listen backlog of tcp/ipc binds (`XS_BACKLOG`). */
  get backlog(): number {
    return st(this).get("backlog");
  }
  set backlog(v: number) {
    st(this).set("backlog", v);
  }
  /** I/O thread bitmask for new connections (`XS_AFFINITY`). */
  get affinity(): bigint {
    return st(this).get("affinity");
  }
  set affinity(v: number | bigint) {
    st(this).set("affinity", v);
  }
  /** Multicast rate in kbit/s (`XS_RATE`). */
  get rate(): number {
    return st(this).get("rate");
  }
  set rate(v: number) {
    st(this).set("rate", v);
  }
  /** Multicast recovery interval in ms (`XS_RECOVERY_IVL`). */
  get recoveryIvl(): number {
    return st(this).get("recoveryIvl");
  }
  set recoveryIvl(v: number) {
    st(this).set("recoveryIvl", v);
  }
  /** OS send buffer size, 0 = OS default (`XS_SNDBUF`). */
  get sndbuf(): number {
    return st(this).get("sndbuf");
  }
  set sndbuf(v: number) {
    st(this).set("sndbuf", v);
  }
  /** OS receive buffer size, 0 = OS default (`XS_RCVBUF`). */
  get rcvbuf(): number {
    return st(this).get("rcvbuf");
  }
  set rcvbuf(v: number) {
    st(this).set("rcvbuf", v);
  }
  /** Multicast TTL (`XS_MULTICAST_HOPS`). */
  get multicastHops(): number {
    return st(this).get("multicastHops");
  }
  set multicastHops(v: number) {
    st(this).set("multicastHops", v);
  }
  /** tcp: IPv4 only; false = dual-stack IPv6 (`XS_IPV4ONLY`). */
  get ipv4only(): boolean {
    return st(this).get("ipv4only");
  }
  set ipv4only(v: boolean) {
    st(this).set("ipv4only", v);
  }
  /** tcp: SO_KEEPALIVE (`XS_KEEPALIVE`). */
  get keepalive(): boolean {
    return st(this).get("keepalive");
  }
  set keepalive(v: boolean) {
    st(this).set("keepalive", v);
  }
  /** 1 = 0MQ/2.1-compatible PUB/SUB wire (`XS_PROTOCOL`). */
  get protocol(): number {
    return st(this).get("protocol");
  }
  set protocol(v: number) {
    st(this).set("protocol", v);
  }
  /** Filter id used by later subscriptions (`XS_FILTER`). */
  get filter(): number {
    return st(this).get("filter");
  }
  set filter(v: number) {
    st(this).set("filter", v);
  }
  /**
   * ms between PINGs on each ZMTP/3.x connection of later tcp/ipc endpoints; 0 = none
   * (extension `XS_HEARTBEAT_IVL`, docs/wire.md §7).
   */
  get heartbeatIvl(): number {
    return st(this).get("heartbeatIvl");
  }
  set heartbeatIvl(v: number) {
    st(this).set("heartbeatIvl", v);
  }
  /**
   * ms to wait for traffic after a PING before closing the connection; 0 = never; -1 (the
   * default, not settable) = the interval (extension `XS_HEARTBEAT_TIMEOUT`, zeromq.js's name).
   */
  get heartbeatTimeout(): number {
    return st(this).get("heartbeatTimeout");
  }
  set heartbeatTimeout(v: number) {
    st(this).set("heartbeatTimeout", v);
  }
  /**
   * ms the peer should wait for our traffic, sent in our PINGs in 0.1 s units; 0 = none
   * (extension `XS_HEARTBEAT_TTL`).
   */
  get heartbeatTtl(): number {
    return st(this).get("heartbeatTtl");
  }
  set heartbeatTtl(v: number) {
    st(this).set("heartbeatTtl", v);
  }
  /**
   * ms a new tcp/ipc connection has to finish its handshake; 0 = no limit; default 30000
   * (extension `XS_HANDSHAKE_IVL`).
   */
  get handshakeIvl(): number {
    return st(this).get("handshakeIvl");
  }
  set handshakeIvl(v: number) {
    st(this).set("handshakeIvl", v);
  }
  /** This socket is a PLAIN server (extension `XS_PLAIN_SERVER`, docs/security.md). */
  get plainServer(): boolean {
    return st(this).get("plainServer");
  }
  set plainServer(v: boolean) {
    st(this).set("plainServer", v);
  }
  /** PLAIN client's username; setting one makes the socket a PLAIN client (`XS_PLAIN_USERNAME`). */
  get plainUsername(): string {
    return st(this).get("plainUsername");
  }
  set plainUsername(v: string | Uint8Array) {
    st(this).set("plainUsername", v);
  }
  /** PLAIN client's password (`XS_PLAIN_PASSWORD`). */
  get plainPassword(): string {
    return st(this).get("plainPassword");
  }
  set plainPassword(v: string | Uint8Array) {
    st(this).set("plainPassword", v);
  }
  /** This socket is a CURVE server; it needs `curveSecretKey` (`XS_CURVE_SERVER`). */
  get curveServer(): boolean {
    return st(this).get("curveServer");
  }
  set curveServer(v: boolean) {
    st(this).set("curveServer", v);
  }
  /** Our long-term CURVE public key, read in Z85 ("" if unset) (`XS_CURVE_PUBLICKEY`). */
  get curvePublicKey(): string {
    return st(this).get("curvePublicKey");
  }
  set curvePublicKey(v: string | Uint8Array) {
    st(this).set("curvePublicKey", v);
  }
  /** Our long-term CURVE secret key, read in Z85 ("" if unset) (`XS_CURVE_SECRETKEY`). */
  get curveSecretKey(): string {
    return st(this).get("curveSecretKey");
  }
  set curveSecretKey(v: string | Uint8Array) {
    st(this).set("curveSecretKey", v);
  }
  /** The server's CURVE public key; setting it makes the socket a CURVE client (`XS_CURVE_SERVERKEY`). */
  get curveServerKey(): string {
    return st(this).get("curveServerKey");
  }
  set curveServerKey(v: string | Uint8Array) {
    st(this).set("curveServerKey", v);
  }
  /**
   * The security mechanism later tcp/ipc endpoints speak, as the options above make it
   * (read only; `XS_MECHANISM`, docs/security.md §2).
   */
  get mechanism(): "NULL" | "PLAIN" | "CURVE" {
    const s = st(this);
    s.check("Cannot read mechanism");
    const n = s.core.getOption(XS_MECHANISM);
    return n === XS_CURVE ? "CURVE" : n === XS_PLAIN ? "PLAIN" : "NULL";
  }
  /** The ZAP domain asked of the authenticator (`XS_ZAP_DOMAIN`, RFC 27). */
  get zapDomain(): string {
    return st(this).get("zapDomain");
  }
  set zapDomain(v: string | Uint8Array) {
    st(this).set("zapDomain", v);
  }
  /** A wss:// bind's private key, PEM (extension `XS_WSS_KEY_PEM`). */
  get wssKeyPem(): string {
    return st(this).get("wssKeyPem");
  }
  set wssKeyPem(v: string | Uint8Array) {
    st(this).set("wssKeyPem", v);
  }
  /** A wss:// bind's certificate chain, PEM, leaf first (`XS_WSS_CERT_PEM`). */
  get wssCertPem(): string {
    return st(this).get("wssCertPem");
  }
  set wssCertPem(v: string | Uint8Array) {
    st(this).set("wssCertPem", v);
  }
  /** Certificates a wss:// connect trusts, PEM (`XS_WSS_TRUST_PEM`). */
  get wssTrustPem(): string {
    return st(this).get("wssTrustPem");
  }
  set wssTrustPem(v: string | Uint8Array) {
    st(this).set("wssTrustPem", v);
  }
  /** The name a wss:// server's certificate must carry; "" = the endpoint's host (`XS_WSS_HOSTNAME`). */
  get wssHostname(): string {
    return st(this).get("wssHostname");
  }
  set wssHostname(v: string | Uint8Array) {
    st(this).set("wssHostname", v);
  }
  /** A wss:// connect also trusts the runtime's root certificates; default true (`XS_WSS_TRUST_SYSTEM`). */
  get wssTrustSystem(): boolean {
    return st(this).get("wssTrustSystem");
  }
  set wssTrustSystem(v: boolean) {
    st(this).set("wssTrustSystem", v);
  }
  /**
   * ROUTER only: a message to an unknown peer fails with `EHOSTUNREACH`, one to a peer at its HWM
   * waits (or `EAGAIN`), instead of being dropped; default false (extension
   * `XS_ROUTER_MANDATORY`, libzmq's `ZMQ_ROUTER_MANDATORY`).
   */
  get routerMandatory(): boolean {
    return st(this).get("routerMandatory");
  }
  set routerMandatory(v: boolean) {
    st(this).set("routerMandatory", v);
  }
  /**
   * ROUTER only: the routing id (1–255 bytes, first not 0) the next connect's peer gets at once;
   * empty once that connect used it (extension `XS_CONNECT_ROUTING_ID`, libzmq's
   * `ZMQ_CONNECT_ROUTING_ID`).
   */
  get connectRoutingId(): Uint8Array {
    return st(this).get("connectRoutingId");
  }
  set connectRoutingId(v: Uint8Array | string) {
    st(this).set("connectRoutingId", v);
  }

  // Readable aliases (zeromq.js names) of the options above; same values, same checks.
  /** Alias of `sndhwm`: outbound queue limit per peer, in messages (zeromq.js's name). */
  get sendHighWaterMark(): number {
    return st(this).get("sndhwm");
  }
  set sendHighWaterMark(v: number) {
    st(this).set("sndhwm", v);
  }
  /** Alias of `rcvhwm`: inbound queue limit per peer, in messages (zeromq.js's name). */
  get receiveHighWaterMark(): number {
    return st(this).get("rcvhwm");
  }
  set receiveHighWaterMark(v: number) {
    st(this).set("rcvhwm", v);
  }
  /** Alias of `sndtimeo`: default send timeout in ms, -1 = none (zeromq.js's name). */
  get sendTimeout(): number {
    return st(this).get("sndtimeo");
  }
  set sendTimeout(v: number) {
    st(this).set("sndtimeo", v);
  }
  /** Alias of `rcvtimeo`: default receive timeout in ms, -1 = none (zeromq.js's name). */
  get receiveTimeout(): number {
    return st(this).get("rcvtimeo");
  }
  set receiveTimeout(v: number) {
    st(this).set("rcvtimeo", v);
  }
  /** Alias of `reconnectIvl`: reconnect delay in ms (zeromq.js's name). */
  get reconnectInterval(): number {
    return st(this).get("reconnectIvl");
  }
  set reconnectInterval(v: number) {
    st(this).set("reconnectIvl", v);
  }
  /** Alias of `reconnectIvlMax`: reconnect back-off cap in ms (zeromq.js's name). */
  get reconnectMaxInterval(): number {
    return st(this).get("reconnectIvlMax");
  }
  set reconnectMaxInterval(v: number) {
    st(this).set("reconnectIvlMax", v);
  }
  /** Alias of `maxmsgsize`: inbound part size limit in bytes, -1 = none (zeromq.js's name). */
  get maxMessageSize(): number | bigint {
    return st(this).get("maxmsgsize");
  }
  set maxMessageSize(v: number | bigint) {
    st(this).set("maxmsgsize", v);
  }
  /** Alias of `sndbuf`: OS send buffer size, 0 = OS default (zeromq.js's name). */
  get sendBufferSize(): number {
    return st(this).get("sndbuf");
  }
  set sendBufferSize(v: number) {
    st(this).set("sndbuf", v);
  }
  /** Alias of `rcvbuf`: OS receive buffer size, 0 = OS default (zeromq.js's name). */
  get receiveBufferSize(): number {
    return st(this).get("rcvbuf");
  }
  set receiveBufferSize(v: number) {
    st(this).set("rcvbuf", v);
  }
  /** Alias of `identity`: the socket's identity (ROUTER peers route by it) (zeromq.js's name). */
  get routingId(): Uint8Array {
    return st(this).get("identity");
  }
  set routingId(v: Uint8Array | string) {
    st(this).set("identity", v);
  }
  /** Alias of `heartbeatIvl`: ms between PINGs, 0 = none (zeromq.js's name). */
  get heartbeatInterval(): number {
    return st(this).get("heartbeatIvl");
  }
  set heartbeatInterval(v: number) {
    st(this).set("heartbeatIvl", v);
  }
  /** Alias of `heartbeatTtl`: ms the peer should wait for our traffic (zeromq.js's name). */
  get heartbeatTimeToLive(): number {
    return st(this).get("heartbeatTtl");
  }
  set heartbeatTimeToLive(v: number) {
    st(this).set("heartbeatTtl", v);
  }
  /** Alias of `handshakeIvl`: ms a connection has to finish its handshake (zeromq.js's name). */
  get handshakeInterval(): number {
    return st(this).get("handshakeIvl");
  }
  set handshakeInterval(v: number) {
    st(this).set("handshakeIvl", v);
  }
  /** Alias of `routerMandatory`: unroutable ROUTER messages fail, not dropped (zeromq.js's name). */
  get mandatory(): boolean {
    return st(this).get("routerMandatory");
  }
  set mandatory(v: boolean) {
    st(this).set("routerMandatory", v);
  }
}
