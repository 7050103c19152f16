import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { StorageError, openStore } from "../../../src/storage/index.ts";

const KEY = `0x${"11".repeat(32)}`;

describe("openStore", () => {
  test("without ZG_INDEXER_URL: the local store at <home>/store", async () => {
    const home = await mkdtemp(join(tmpdir(), "2pm-home-"));
    try {
      const store = openStore({ home, env: {} });
      assert.equal(store.kind, "local");
      assert.equal(store.kind === "local" && store.dir, join(home, "store"));
      const root = await store.put(new TextEncoder().encode("hi"));
      assert.deepEqual(await store.get(root), new TextEncoder().encode("hi"));
      assert.equal(openStore({ home, env: { ZG_INDEXER_URL: "  " } }).kind, "local", "blank counts as unset");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  test("with ZG_INDEXER_URL, ZG_RPC_URL and ZG_PRIVATE_KEY: the 0G store", () => {
    const store = openStore({
      home: "/nonexistent",
      env: { ZG_INDEXER_URL: "https://indexer.example:5678/path?key=x", ZG_RPC_URL: "http://127.0.0.1:1", ZG_PRIVATE_KEY: KEY },
    });
    assert.equal(store.kind, "0g");
    assert.equal(store.kind === "0g" && store.indexerHost, "indexer.example:5678");
  });

  for (const missing of ["ZG_RPC_URL", "ZG_PRIVATE_KEY"] as const) {
    test(`ZG_INDEXER_URL without ${missing}: a one-line error naming ${missing}`, () => {
      const env: Record<string, string> = { ZG_INDEXER_URL: "https://indexer.example", ZG_RPC_URL: "http://rpc.example", ZG_PRIVATE_KEY: KEY };
      delete env[missing];
      assert.throws(() => openStore({ home: "/x", env }), (e: unknown) => {
        assert.ok(e instanceof StorageError);
        assert.equal(e.shortMessage.includes("\n"), false);
        assert.match(e.shortMessage, new RegExp(`^ZG_INDEXER_URL is set but ${missing} is not`));
        return true;
      });
    });
  }
});
