// Where a committee member keeps its files: <home>/committees/<committeeId>/ (0700). The state is secret (0600); the
// key share is public, but stays here, unpublished, until every member has committed to its own (rogue keys).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { FheTaskError } from "../fheTask.ts";

export type MemberFiles = { dir: string; state: string; keyShare: string };

/** The member files of committee `committeeId` under `home`. */
export function memberFiles(home: string, committeeId: bigint): MemberFiles {
  const dir = path.join(home, "committees", committeeId.toString());
  return { dir, state: path.join(dir, "member.state"), keyShare: path.join(dir, "key-share.2pmfhep") };
}

/** The member's key share file, or a clear error naming the command that makes it. */
export async function readOwnKeyShare(files: MemberFiles, committeeId: bigint): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(files.keyShare));
  } catch {
    throw new FheTaskError(`no key share of committee ${committeeId} in ${files.dir}: run \`2pm committee keygen --committee ${committeeId}\` first (with the same --home)`);
  }
}
