import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Hex } from "viem";
import { tempPathFor, writeFileAtomic } from "../storage/atomicWrite.ts";
import { FheError, FheKeyMismatchError } from "./errors.ts";
import { computeKeyId } from "./generateKeys.ts";
import type { FheKeys, KeyPart } from "./types.ts";

const FIELD = { public: "publicKey", secret: "secretKey", relin: "relinKeys", galois: "galoisKeys" } as const;
type FieldOf = typeof FIELD;

/** Keys read by {@link loadKeys}: the keyId plus the parts asked for. */
export type LoadedKeys<P extends KeyPart> = { keyId: Hex } & Pick<FheKeys, FieldOf[P]>;

const KEY_ID = /^0x[0-9a-f]{64}$/;

function checkKeyId(keyId: string): asserts keyId is Hex {
  if (!KEY_ID.test(keyId)) {
    throw new FheError(`Invalid key id "${keyId}": expected 0x followed by 64 lowercase hex digits.`);
  }
}

/**
 * Saves a key set to `<dir>/<keyId>/{public,secret,relin,galois}.key` (files 0600, directory 0700). The key
 * directory is written under a temp name and renamed, so it appears complete or not at all. Saving the same
 * keys again is a no-op. Returns the key directory.
 *
 * @example
 * const keyDir = await saveKeys(join(home, ".2pm/keys"), generateKeys(ctx));
 */
export async function saveKeys(dir: string, keys: FheKeys): Promise<string> {
  checkKeyId(keys.keyId);
  if (computeKeyId(keys.publicKey) !== keys.keyId) {
    throw new FheKeyMismatchError(`Refusing to save keys: keyId ${keys.keyId} is not the hash of their public key.`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = join(dir, keys.keyId);
  if (await exists(target)) {
    const existing = await readFile(join(target, "public.key")).catch(() => undefined);
    if (existing && Buffer.from(existing).equals(keys.publicKey)) {
      await Promise.all((Object.keys(FIELD) as KeyPart[]).map((part) => stat(join(target, `${part}.key`))));
      return target;
    }
    throw new FheError(`Key directory ${target} already exists with other content; move it away first.`);
  }
  const temp = tempPathFor(target);
  await mkdir(temp, { mode: 0o700 });
  try {
    for (const part of Object.keys(FIELD) as KeyPart[]) {
      await writeFileAtomic(join(temp, `${part}.key`), keys[FIELD[part]], { mode: 0o600 });
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await syncDir(dir);
  return target;
}

/**
 * Loads the listed key parts of `keyId` from `<dir>/<keyId>/`. The public key is always read to check that it
 * hashes to `keyId`; a secret key file readable by other users is refused.
 *
 * @example
 * const { secretKey } = await loadKeys(keysDir, keyId, ["secret"]);
 */
export async function loadKeys<const P extends KeyPart>(
  dir: string,
  keyId: Hex,
  which: readonly P[],
): Promise<LoadedKeys<P>> {
  checkKeyId(keyId);
  const keyDir = join(dir, keyId);
  const read = async (part: KeyPart): Promise<Uint8Array> => {
    const path = join(keyDir, `${part}.key`);
    try {
      if (part === "secret") {
        const { mode } = await stat(path);
        if ((mode & 0o077) !== 0) {
          throw new FheError(`Secret key file ${path} is accessible by other users; run: chmod 600 ${path}`);
        }
      }
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new FheError(`Key file ${path} not found: key ${keyId} has no ${part} key in ${dir}.`, { cause: error });
      }
      throw error;
    }
  };
  const publicKey = await read("public");
  if (computeKeyId(publicKey) !== keyId) {
    throw new FheKeyMismatchError(
      `Key directory ${keyDir} holds another key: its public key does not hash to ${keyId}.`,
    );
  }
  const result: Record<string, unknown> = { keyId };
  for (const part of which) result[FIELD[part]] = part === "public" ? publicKey : await read(part);
  return result as LoadedKeys<P>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some file systems do not support fsync on directories
  } finally {
    await handle.close();
  }
}
