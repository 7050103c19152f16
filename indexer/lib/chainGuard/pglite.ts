// The guard on an embedded PGlite database: the fingerprint lives in a sidecar file `<dir>.2pm-chain.json` with the
// pid of the indexer using the directory.
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { currentHashOf, resetMessage, type Fingerprint, type GuardChainParameters } from "./fingerprint.ts";
import { installedVersion, internalPatches, patchMismatch, releaseCrashedLock } from "./ponderInternals.ts";

type Sidecar = { pid: number | null; chains: Record<string, Fingerprint> };

function readSidecar(file: string): Sidecar {
  if (!existsSync(file)) return { pid: null, chains: {} };
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Sidecar;
  } catch {
    return { pid: null, chains: {} };
  }
}

function writeSidecar(file: string, sidecar: Sidecar): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(sidecar, null, 2) + "\n");
  renameSync(tmp, file);
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A recycled pid of an unrelated process does not count (Linux: look at its command line).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("ponder");
  } catch {
    return true;
  }
}

export async function guardPglite(p: GuardChainParameters, directory: string, fingerprint: Fingerprint): Promise<void> {
  const dir = path.resolve(directory);
  const file = `${dir}.2pm-chain.json`;
  const sidecar = readSidecar(file);
  if (sidecar.pid !== null && pidAlive(sidecar.pid)) {
    throw new Error(`another indexer (pid ${sidecar.pid}) is using the PGlite directory ${dir}: stop it first, or set PONDER_PGLITE_DIR to another directory`);
  }
  const crashed = sidecar.pid !== null;
  const stored = sidecar.chains[String(p.chainId)];
  let wiped = false;
  if (stored && existsSync(dir)) {
    const current = await currentHashOf(p, stored, fingerprint);
    if (current !== stored.blockHash) {
      if (p.onReset === "refuse") throw new Error(resetMessage(p, `the PGlite database ${dir}`, stored, current));
      p.log("warn", `chain reset detected on ${p.network}: block ${stored.blockNumber} changed from ${stored.blockHash} to ${current ?? "missing"}; wiping ${dir} and re-indexing`);
      rmSync(dir, { recursive: true, force: true });
      sidecar.chains = {};
      wiped = true;
    }
  }
  if (crashed && !wiped && existsSync(path.join(dir, "PG_VERSION"))) await releasePgliteLock(p, dir);
  await silencePgliteReplyFile(p, dir);
  sidecar.chains[String(p.chainId)] = fingerprint;
  writeSidecar(file, { ...sidecar, pid: process.pid });
  process.once("exit", () => {
    try {
      writeSidecar(file, { ...readSidecar(file), pid: null });
    } catch {}
  });
}

async function releasePgliteLock(p: GuardChainParameters, dir: string): Promise<void> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(dir);
  try {
    await releaseCrashedLock((sql, params) => db.query(sql, params).then((r) => r.rows as Record<string, unknown>[]), p.schema, p.log);
  } finally {
    await db.close();
  }
}

/**
 * PGlite 0.2 (the version Ponder 0.17 pins) opens, truncates, touches and closes `<dir>/.s.PGSQL.5432.out` on the
 * host file system for every protocol message it handles, although replies travel through WASM memory and the file
 * stays empty (checked with replies up to 20 MB). On a real directory those are 4 synchronous syscalls through
 * Emscripten's NODEFS per message — in a profile of the GraphQL server ~20% of its CPU. The file is replaced by a
 * symlink to /dev/null, which Emscripten resolves inside its own virtual file system (a device: no truncation, one
 * readlink left per message). PGlite's initdb wants an empty directory, so a new directory is initialised here first
 * (Ponder then opens it instead of running initdb itself). Other PGlite versions are left alone with a warning
 * (INDEXER_PGLITE_REPLY_FILE=keep leaves this one alone too).
 */
async function silencePgliteReplyFile(p: GuardChainParameters, dir: string): Promise<void> {
  if (process.platform === "win32" || process.env.INDEXER_PGLITE_REPLY_FILE === "keep") return;
  const mismatch = patchMismatch(internalPatches.silenceReplyFile, installedVersion("@electric-sql/pglite"));
  if (mismatch) {
    p.log("warn", `PGlite's reply file is left as it is (slower GraphQL): ${mismatch}`);
    return;
  }
  try {
    if (!existsSync(path.join(dir, "PG_VERSION"))) {
      const { PGlite } = await import("@electric-sql/pglite");
      mkdirSync(dir, { recursive: true });
      const db = new PGlite(dir);
      await db.waitReady;
      await db.close();
    }
    const file = path.join(dir, ".s.PGSQL.5432.out");
    if (existsSync(file) && lstatSync(file).isSymbolicLink()) return;
    rmSync(file, { force: true });
    symlinkSync("/dev/null", file);
  } catch (err) {
    p.log("warn", `could not set up the PGlite reply file in ${dir} (${(err as Error).message}); continuing without`);
  }
}
