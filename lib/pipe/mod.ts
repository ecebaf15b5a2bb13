/**
 * The thread boundary: shared-memory layout, rings, doorbells, pipes and the control
 * channel. Everything that crosses between the API thread and the I/O worker goes
 * through this folder.
 *
 * Runs on: both threads.
 */
export * from "./layout.ts";
export { type RingPlace, RingReader, RingWriter, writeFrameHeader } from "./ring.ts";
export { Doorbell, reportWorkerState } from "./doorbell.ts";
export { lastRead, type Pipe } from "./pipe.ts";
export {
  arrayBackedCopy,
  contentOf,
  type PartHolder,
  releaseContent,
  releaseParts,
  retainParts,
  shareContent,
  type SharedContent,
  tracking,
} from "./shared_content.ts";
export { type ExternalBatch, RingPipe } from "./ring_pipe.ts";
export { ControlReader, ControlWriter } from "./control.ts";
export * from "./subscription.ts";
export type {
  BindCommand,
  CheckCommand,
  MonitorEvent,
  Reply,
  RequestCommand,
  ToApi,
  ToWorker,
  WireOptions,
  WorkerNote,
} from "./commands.ts";

export { controlPlace, newPipeBlock, pipePlaces, sharedBuffer } from "./blocks.ts";
export { type ExternalMessage, WorkerPipe } from "./worker_pipe.ts";
export { EXT_BUFFER_BYTES, ExtBuffers } from "./ext_buffers.ts";
