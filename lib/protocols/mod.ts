/**
 * The table of socket types: `XS_*` number or name → the file that implements it.
 * Compatibility with peers is read from each type's own `info.peers`.
 *
 * Runs on: API thread.
 */
import type { ProtocolInfo } from "./protocol.ts";
import { info as pair } from "./pair.ts";
import { info as push } from "./push.ts";
import { info as pull } from "./pull.ts";
import { info as req } from "./req.ts";
import { info as rep } from "./rep.ts";
import { info as xreq } from "./xreq.ts";
import { info as xrep } from "./xrep.ts";
import { info as surveyor } from "./surveyor.ts";
import { info as respondent } from "./respondent.ts";
import { info as xsurveyor } from "./xsurveyor.ts";
import { info as xrespondent } from "./xrespondent.ts";
import { info as pub } from "./pub.ts";
import { info as sub } from "./sub.ts";
import { info as xpub } from "./xpub.ts";
import { info as xsub } from "./xsub.ts";

export type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";

/** Socket types by number; `undefined` where a type is not implemented yet. */
export const PROTOCOLS: (ProtocolInfo | undefined)[] = [];
for (
  const p of [
    pair,
    push,
    pull,
    req,
    rep,
    xreq,
    xrep,
    surveyor,
    respondent,
    xsurveyor,
    xrespondent,
    pub,
    sub,
    xpub,
    xsub,
  ]
) PROTOCOLS[p.number] = p;

/** Registers a socket type (used by each type file's table entry). */
export function register(info: ProtocolInfo): void {
  PROTOCOLS[info.number] = info;
}
