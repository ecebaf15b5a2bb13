/**
 * The Crossroads C face's public names, from the files that hold them: the context and
 * socket calls (api.ts), message storage (msg_t.ts) and the message functions (msg.ts),
 * polling and the stopwatch (poll.ts), the monitor extension (monitor.ts), the CURVE key
 * helpers (curve.ts). xs.ts
 * re-exports this list; nothing else of the folder is public.
 *
 * Runs on: API thread.
 */
export {
  xs_bind,
  xs_close,
  xs_connect,
  xs_disconnect,
  xs_errno,
  xs_getsockopt,
  xs_init,
  xs_last_endpoint,
  xs_recv,
  xs_recvmsg,
  xs_send,
  xs_sendmsg,
  xs_setctxopt,
  xs_setsockopt,
  xs_shutdown,
  xs_socket,
  xs_strerror,
  xs_term,
  xs_unbind,
  xs_version,
  XsContext,
  XsSocket,
} from "./api.ts";
export { type xs_free_fn, xs_msg_t } from "./msg_t.ts";
export { xs_curve_keypair, xs_curve_public, xs_z85_decode, xs_z85_encode } from "./curve.ts";
export {
  xs_getmsgopt,
  xs_msg_close,
  xs_msg_copy,
  xs_msg_data,
  xs_msg_gets,
  xs_msg_init,
  xs_msg_init_data,
  xs_msg_init_size,
  xs_msg_move,
  xs_msg_size,
} from "./msg.ts";
export {
  monitorMessage,
  XS_EVENT_ACCEPT_FAILED,
  XS_EVENT_ACCEPTED,
  XS_EVENT_ALL,
  XS_EVENT_BIND_FAILED,
  XS_EVENT_CLOSED,
  XS_EVENT_CONNECT_DELAYED,
  XS_EVENT_CONNECT_RETRIED,
  XS_EVENT_CONNECTED,
  XS_EVENT_DISCONNECTED,
  XS_EVENT_HANDSHAKE_FAILED_AUTH,
  XS_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
  XS_EVENT_HANDSHAKE_FAILED_PROTOCOL,
  XS_EVENT_HANDSHAKE_SUCCEEDED,
  XS_EVENT_LISTENING,
  XS_EVENT_MONITOR_STOPPED,
  xs_socket_monitor,
} from "./monitor.ts";
export {
  xs_poll,
  type xs_pollitem_t,
  xs_stopwatch_start,
  xs_stopwatch_stop,
  type XsStopwatch,
} from "./poll.ts";
