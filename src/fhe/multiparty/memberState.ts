// A member's secret state file: its secret key share and the digests of every ciphertext it has shared.
import { open, readFile, rm, stat } from "node:fs/promises";
import { writeFileAtomic } from "../../storage/atomicWrite.ts";
import { buildContainer } from "../container.ts";
import { FheError } from "../errors.ts";
import { openCommitteeFile } from "./files.ts";
import type { MemberHeader } from "./files.ts";

/**
 * Writes a member's state (from {@link generateKeyShare}) to `path`, mode 0600, atomically; refuses to overwrite an
 * existing state (that would forget what the member has shared, or its secret).
 *
 * @example
 * await writeMemberState(".2pm/committees/0xc0…/member.state", state);
 */
export async function writeMemberState(path: string, state: Uint8Array): Promise<void> {
  openCommitteeFile(state, "committeeMember");
  if (await stat(path).then(() => true, () => false)) {
    throw new FheError(`Member state ${path} already exists; a member keeps one state per committee (move it away first).`);
  }
  await writeFileAtomic(path, state, { mode: 0o600 });
}

/** Reads a member's state, refusing a file other users can read. */
export async function readMemberState(path: string): Promise<{ header: MemberHeader; secretKey: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) throw new FheError(`Member state ${path} is accessible by other users; run: chmod 600 ${path}`);
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new FheError(`Member state ${path} not found; generate the member's key share first.`, { cause: error });
    }
    throw error;
  }
  const { header, container } = openCommitteeFile(bytes, "committeeMember");
  if (container.count !== 1) throw new FheError(`Member state ${path} is malformed: it must hold one secret key.`);
  return { header, secretKey: new Uint8Array(container.blob(0)) };
}

/**
 * Runs `fn` with the member state under an exclusive lock (`<path>.lock`), so two processes cannot both share the
 * same ciphertext; `fn` returns the new header to write (atomically, before its result is released) or undefined.
 */
export async function updateMemberState<T>(
  path: string,
  fn: (state: { header: MemberHeader; secretKey: Uint8Array }) => Promise<{ header?: MemberHeader; value: T }>,
): Promise<T> {
  const lockPath = `${path}.lock`;
  const lock = await open(lockPath, "wx", 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST") {
      throw new FheError(
        `Member state ${path} is locked by another 2pm process (${lockPath}); wait for it, or remove the lock if none runs.`,
      );
    }
    throw error;
  });
  try {
    const state = await readMemberState(path);
    const { header, value } = await fn(state);
    if (header) await writeFileAtomic(path, buildContainer("committeeMember", header, [state.secretKey]), { mode: 0o600 });
    return value;
  } finally {
    await lock.close();
    await rm(lockPath, { force: true });
  }
}
