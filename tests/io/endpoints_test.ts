/**
 * Tests of lib/io/endpoints.ts `listenErrno`: a failed listen's errno is the OS's own, named by
 * the runtime (issue #17): `EADDRINUSE` only for an address in use, never a made-up one; a
 * name outside the errno table, or none, is `EIO`.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { listenErrno } from "../../lib/io/endpoints.ts";
import * as C from "../../lib/constants.ts";

test("listenErrno passes on the OS errno a runtime names", () => {
  const cases: [string, number][] = [
    ["EADDRINUSE", C.EADDRINUSE],
    ["EADDRNOTAVAIL", C.EADDRNOTAVAIL],
    ["EACCES", C.EACCES],
    ["EPERM", C.EPERM],
    ["ENOENT", C.ENOENT],
    ["ENOTDIR", C.ENOTDIR],
    ["EROFS", C.EROFS],
    ["ELOOP", C.ELOOP],
    ["ENAMETOOLONG", C.ENAMETOOLONG],
    ["EMFILE", C.EMFILE],
    ["ENFILE", C.ENFILE],
    ["EAFNOSUPPORT", C.EAFNOSUPPORT],
    ["EINVAL", C.EINVAL],
  ];
  for (const [name, errno] of cases) assert.equal(listenErrno(name), errno, name);
  assert.deepEqual([C.EPERM, C.EIO, C.ENOTDIR, C.ENFILE, C.EROFS, C.ELOOP], [1, 5, 20, 23, 30, 40]);
});

test("listenErrno never says EADDRINUSE for what it does not know", () => {
  for (
    const code of [undefined, "", "EWHATEVER", "ERR_SOCKET_BAD_PORT", "EFSM", "ETERM", "eacces"]
  ) {
    assert.equal(listenErrno(code), C.EIO, String(code));
  }
});
