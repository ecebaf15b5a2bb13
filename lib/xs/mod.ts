/**
 * The Crossroads C face's public names, from the files that hold them: the context and
 * socket calls (api.ts), message storage (msg_t.ts) and the message functions (msg.ts),
 * polling and the stopwatch (poll.ts). xs.ts
 * re-exports this list; nothing else of the folder is public.
 *
 * Runs on: API thread.
 */
export {
  xs_bind,
  xs_close,
  xs_connect,
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
  xs_version,
  XsContext,
  XsSocket,
} from "./api.ts";
export { type xs_free_fn, xs_msg_t } from "./msg_t.ts";
export {
  xs_getmsgopt,
  xs_msg_close,
  xs_msg_copy,
  xs_msg_data,
  xs_msg_init,
  xs_msg_init_data,
  xs_msg_init_size,
  xs_msg_move,
  xs_msg_size,
} from "./msg.ts";
export {
  xs_poll,
  type xs_pollitem_t,
  xs_stopwatch_start,
  xs_stopwatch_stop,
  type XsStopwatch,
} from "./poll.ts";
