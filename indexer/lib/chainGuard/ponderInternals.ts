// The guard's edits of Ponder's and PGlite's internals — none of them a public API — and the package versions each
// was written and checked against. The installed versions are read from the packages' own package.json. On any
// other version an edit that only saves time is skipped with a warning (Ponder still works, just slower); an edit
// without which the indexer would serve stale data stops the start with a message instead (see `onMismatch`).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type InternalPatch = {
  package: "ponder" | "@electric-sql/pglite";
  /** Versions checked by hand; "x" matches any number in its place. */
  versions: readonly string[];
  /** What the guard does to the package's internals. */
  does: string;
  /** "skip": a warning, the package works without it; "fail": stop, the package would serve stale data without it. */
  onMismatch: "skip" | "fail";
};

export const internalPatches = {
  releaseCrashedLock: {
    package: "ponder",
    versions: ["0.17.7"],
    does: "clear a crashed run's schema lock (the is_locked flag of the 'app' row in <schema>._ponder_meta)",
    onMismatch: "skip", // Ponder releases the lock itself when its heartbeat expires (~25 s)
  },
  wipeSyncCache: {
    package: "ponder",
    versions: ["0.17.7"],
    does: "delete a reset chain's cached rows from the ponder_sync tables (by their chain_id column)",
    onMismatch: "fail", // Ponder would serve the old chain's cached data
  },
  silenceReplyFile: {
    package: "@electric-sql/pglite",
    versions: ["0.2.x"],
    does: "replace PGlite's reply file <dir>/.s.PGSQL.5432.out with a link to /dev/null",
    onMismatch: "skip", // only a speed-up
  },
} as const satisfies Record<string, InternalPatch>;

/** The version of an installed package, found the way Node resolves bare imports (node_modules upward from `from`). */
export function installedVersion(name: string, from = process.cwd()): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      return pkg.name === name ? pkg.version : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function versionMatches(version: string, pattern: string): boolean {
  const have = version.split(/[.+-]/);
  return pattern.split(".").every((part, i) => part === "x" || part === have[i]) && (pattern.endsWith(".x") || version === pattern);
}

/**
 * Null when `patch` was checked against the installed version of its package, else why it is not applied (one line).
 * @example patchMismatch(internalPatches.releaseCrashedLock, installedVersion("ponder")) // null; on 0.18.0: "this guard would clear …, which was written for ponder 0.17.7, but ponder 0.18.0 is installed: …"
 */
export function patchMismatch(patch: InternalPatch, installed: string | undefined): string | null {
  if (installed !== undefined && patch.versions.some((v) => versionMatches(installed, v))) return null;
  return `this guard would ${patch.does}, which was written for ${patch.package} ${patch.versions.join(" / ")}, but ${installed === undefined ? `no ${patch.package} is installed` : `${patch.package} ${installed} is installed`}: ` +
    `check indexer/lib/chainGuard/ponderInternals.ts against that version and add it there`;
}

/** Clears Ponder's `is_locked` flag of an app schema (only called when no other indexer can be using it). */
export async function unlockPonderApp(query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>, schema: string): Promise<boolean> {
  const exists = await query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_ponder_meta'`, [schema]);
  if (exists.length === 0) return false;
  const quoted = `"${schema.replaceAll('"', '""')}"`;
  const rows = await query(`UPDATE ${quoted}."_ponder_meta" SET value = jsonb_set(value, '{is_locked}', to_jsonb(0)) WHERE key = 'app' AND (value->>'is_locked')::int = 1 RETURNING key`);
  return rows.length > 0;
}

/** Releases a crashed run's lock of `schema` if the installed Ponder is one the edit was checked against; else warns. */
export async function releaseCrashedLock(
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  schema: string,
  log: (level: "warn", msg: string) => void,
  installedPonder = installedVersion("ponder"),
): Promise<void> {
  const mismatch = patchMismatch(internalPatches.releaseCrashedLock, installedPonder);
  if (mismatch) {
    log("warn", `not releasing a crashed run's lock of schema "${schema}" (Ponder waits ~25 s for it instead): ${mismatch}`);
    return;
  }
  if (await unlockPonderApp(query, schema)) log("warn", `the previous indexer run stopped without unlocking schema "${schema}" (crash); released its lock`);
}
