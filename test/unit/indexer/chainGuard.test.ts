// The indexer's chain guard (indexer/lib/chainGuard/): its edits of Ponder's and PGlite's internals run only on the
// package versions they were checked against, and its chain reads fail with one line that names no credentials.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { readFingerprint } from "../../../indexer/lib/chainGuard/fingerprint.ts";
import { installedVersion, internalPatches, patchMismatch, releaseCrashedLock } from "../../../indexer/lib/chainGuard/ponderInternals.ts";

test("the installed Ponder and PGlite are versions every internal edit was checked against", () => {
  // Fails after an upgrade on purpose: check the edits against the new version, then add it to internalPatches.
  for (const [name, patch] of Object.entries(internalPatches)) assert.equal(patchMismatch(patch, installedVersion(patch.package)), null, name);
  assert.match(installedVersion("ponder") ?? "", /^\d+\.\d+\.\d+/);
});

test("another version is named with the one the edit was written for; a wildcard admits patch releases", () => {
  assert.match(patchMismatch(internalPatches.releaseCrashedLock, "0.18.0") ?? "", /written for ponder 0\.17\.7, but ponder 0\.18\.0 is installed: check indexer\/lib\/chainGuard\/ponderInternals\.ts/);
  assert.match(patchMismatch(internalPatches.wipeSyncCache, undefined) ?? "", /no ponder is installed/);
  assert.equal(patchMismatch(internalPatches.releaseCrashedLock, "0.17.7"), null);
  assert.notEqual(patchMismatch(internalPatches.releaseCrashedLock, "0.17.7-beta.1"), null);
  assert.equal(patchMismatch(internalPatches.silenceReplyFile, "0.2.99"), null);
  assert.notEqual(patchMismatch(internalPatches.silenceReplyFile, "0.3.0"), null);
});

test("a crashed run's lock is released on the checked Ponder version and left, with a warning, on another", async () => {
  const db = new PGlite();
  try {
    await db.exec(`CREATE SCHEMA app; CREATE TABLE app._ponder_meta (key TEXT PRIMARY KEY, value JSONB);
      INSERT INTO app._ponder_meta VALUES ('app', '{"is_locked": 1, "heartbeat_at": 0}')`);
    const query = (sql: string, params?: unknown[]) => db.query(sql, params).then((r) => r.rows as Record<string, unknown>[]);
    const locked = async () => ((await query(`SELECT (value->>'is_locked')::int AS l FROM app._ponder_meta`))[0] as { l: number }).l;
    const logs: string[] = [];
    await releaseCrashedLock(query, "app", (_level, msg) => logs.push(msg), "0.18.0");
    assert.equal(await locked(), 1, "left alone on an unchecked version");
    assert.match(logs.join("\n"), /not releasing a crashed run's lock of schema "app" \(Ponder waits ~25 s for it instead\)/);
    await releaseCrashedLock(query, "app", (_level, msg) => logs.push(msg), "0.17.7");
    assert.equal(await locked(), 0);
    assert.match(logs.at(-1) ?? "", /released its lock/);
  } finally {
    await db.close();
  }
});

test("an unreachable RPC: one line with the URL's origin only (no credentials, path or query)", async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const contract = "0x0000000000000000000000000000000000000001";
  await assert.rejects(
    readFingerprint({ network: "localhost", chainId: 31337, rpcUrl: `http://user:secret@127.0.0.1:${port}/key123?k=1`, startBlock: 1, contract }),
    (err: Error) => {
      assert.match(err.message, new RegExp(`^cannot reach the localhost RPC at http://127\\.0\\.0\\.1:${port} \\(eth_chainId: [^\\n]+\\): is the node running\\?$`));
      assert.doesNotMatch(err.message, /secret|key123|k=1/);
      return true;
    },
  );
});
