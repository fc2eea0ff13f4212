import type { Intent } from "../../brain.ts";
import type { GeneratorJob } from "../protocol.ts";
import type { Recorder } from "../recorder.ts";

/** One connected bench client, whatever its protocol. */
export interface BenchClient {
  /** Sends this tick's input. */
  send(intent: Intent): void;
  readonly isOpen: boolean;
  /** The room it joined, where the protocol has rooms ("" otherwise): the players fill as few rooms as the room size allows. */
  readonly roomId: string;
  /** False for a probe that reads through a library client whose raw frames it cannot see. */
  readonly countsBytes: boolean;
}

/** Connects client `index`; a probe fully decodes what it receives. Rejects when the join fails. */
export type Connect = (index: number, isProbe: boolean) => Promise<BenchClient>;

export type Connector = (job: GeneratorJob, recorder: Recorder) => Connect;
