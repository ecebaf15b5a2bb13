/**
 * Runs the protocol suite (tests/_protocol_suite.ts) for all 15 socket types of Crossroads
 * I/O 1.2.0 over inproc and tcp. Each row is the type's description: its peer in the
 * conversation case and what docs/behaviour.md §4.1 says it can do.
 *
 * Runs on: the test runner's main thread.
 */
import * as C from "../../mod.ts";
import { type ProtocolInfo, protocolSuite } from "../_protocol_suite.ts";

const TYPES: ProtocolInfo[] = [
  { type: "PAIR", number: C.XS_PAIR, peer: "PAIR", send: "yes", receive: "yes", raw: false },
  { type: "PUB", number: C.XS_PUB, peer: "SUB", send: "yes", receive: "no", raw: false },
  { type: "SUB", number: C.XS_SUB, peer: "PUB", send: "no", receive: "yes", raw: false },
  { type: "XPUB", number: C.XS_XPUB, peer: "SUB", send: "yes", receive: "yes", raw: true },
  { type: "XSUB", number: C.XS_XSUB, peer: "PUB", send: "yes", receive: "yes", raw: true },
  { type: "REQ", number: C.XS_REQ, peer: "REP", send: "yes", receive: "in turn", raw: false },
  { type: "REP", number: C.XS_REP, peer: "REQ", send: "in turn", receive: "yes", raw: false },
  { type: "XREQ", number: C.XS_XREQ, peer: "REP", send: "yes", receive: "yes", raw: true },
  { type: "XREP", number: C.XS_XREP, peer: "REQ", send: "yes", receive: "yes", raw: true },
  { type: "PUSH", number: C.XS_PUSH, peer: "PULL", send: "yes", receive: "no", raw: false },
  { type: "PULL", number: C.XS_PULL, peer: "PUSH", send: "no", receive: "yes", raw: false },
  {
    type: "SURVEYOR",
    number: C.XS_SURVEYOR,
    peer: "RESPONDENT",
    send: "yes",
    receive: "in turn",
    raw: false,
  },
  {
    type: "RESPONDENT",
    number: C.XS_RESPONDENT,
    peer: "SURVEYOR",
    send: "in turn",
    receive: "yes",
    raw: false,
  },
  {
    type: "XSURVEYOR",
    number: C.XS_XSURVEYOR,
    peer: "RESPONDENT",
    send: "yes",
    receive: "yes",
    raw: true,
  },
  {
    type: "XRESPONDENT",
    number: C.XS_XRESPONDENT,
    peer: "SURVEYOR",
    send: "yes",
    receive: "yes",
    raw: true,
  },
];

for (const info of TYPES) protocolSuite(info, ["inproc", "tcp"]);
