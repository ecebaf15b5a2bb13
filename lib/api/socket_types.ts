/**
 * The names of the socket types in the idiomatic face's types: what `Context.socket` takes
 * and what `Socket.type` reports (`Socket<T>` is typed by them, socket.ts).
 *
 * Runs on: API thread (types only).
 */

/** A socket type name, upper or lower case (the `XS_*` number is accepted too). */
export type SocketType = SocketTypeName | Lowercase<SocketTypeName>;

/** The socket type names of Crossroads, with the DEALER/ROUTER aliases. */
export type SocketTypeName =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "XREQ"
  | "XREP"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB"
  | "SURVEYOR"
  | "RESPONDENT"
  | "XSURVEYOR"
  | "XRESPONDENT";

/** The upper-case name of a socket type given in either case: `NameOf<"push">` is "PUSH". */
export type NameOf<T extends SocketType> = Uppercase<T> & SocketTypeName;
