import type { Hex } from "viem";
import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { checkCommitteeWrite, committeeWrite } from "./committeeWrite.ts";

export type PostShareOptions = {
  /** Decline instead of sharing: `root` is then the storage root of a statement why. */
  declined?: boolean;
};

const what = (taskId: bigint, declined?: boolean) => (declined ? `decline to share for task ${taskId}` : `post the decryption share of task ${taskId}`);

/**
 * A committee member posts the storage root of its decryption share of an FHE task's result (the current attempt's
 * submission), by the attempt's reveal deadline.
 * @example await postShare(ctx, 7n, shareRoot)
 */
export function postShare(ctx: ChainContext, taskId: bigint, root: Hex, options: PostShareOptions = {}): Promise<WriteReturnType> {
  return committeeWrite(ctx, "postShare", [taskId, root, options.declined ?? false], what(taskId, options.declined));
}

/** Whether {postShare} would pass, without sending: run it before uploading the share. */
export function checkPostShare(ctx: ChainContext, taskId: bigint, root: Hex, options: PostShareOptions = {}): Promise<void> {
  return checkCommitteeWrite(ctx, "postShare", [taskId, root, options.declined ?? false], what(taskId, options.declined));
}
