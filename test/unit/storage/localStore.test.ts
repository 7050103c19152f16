import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import {
  ObjectNotFoundError,
  RootMismatchError,
  StorageError,
  localStore,
  merkleRoot,
  writeFileAtomic,
} from "../../../src/storage/index.ts";
import { TwoPmError } from "../../../src/errors.ts";

const text = (s: string) => new TextEncoder().encode(s);

describe("localStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "2pm-store-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("put returns the 0G root, writes <dir>/<root>, and get returns the same bytes", async () => {
    const store = localStore(join(dir, "store"));
    const bytes = text("penguins are birds\n".repeat(20_000));
    const root = await store.put(bytes);
    assert.equal(root, merkleRoot(bytes));
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "store", root))), bytes);
    assert.deepEqual(await store.get(root), bytes);
    assert.equal(await store.has(root), true);
    assert.equal(await store.put(bytes), root, "put is idempotent");
    assert.deepEqual(await readdir(join(dir, "store")), [root]);
  });

  test("get detects a tampered file", async () => {
    const store = localStore(dir);
    const root = await store.put(text('{"rows":344}'));
    await writeFile(join(dir, root), text('{"rows":345}'));
    await assert.rejects(store.get(root), (e: unknown) => {
      assert.ok(e instanceof RootMismatchError && e instanceof TwoPmError);
      assert.equal(
        e.shortMessage.split(" (")[0],
        `stored bytes for ${root} do not match their root: the file was tampered with or corrupted`,
      );
      return true;
    });
  });

  test("get of an emptied file is reported as corrupted, not as a crash", async () => {
    const store = localStore(dir);
    const root = await store.put(text("x"));
    await writeFile(join(dir, root), new Uint8Array(0));
    await assert.rejects(store.get(root), RootMismatchError);
  });

  test("a missing object has a clear error and has() is false", async () => {
    const store = localStore(dir);
    const root = merkleRoot(text("never stored"));
    assert.equal(await store.has(root), false);
    await assert.rejects(store.get(root), (e: unknown) => {
      assert.ok(e instanceof ObjectNotFoundError);
      assert.ok(e.shortMessage.startsWith(`no object ${root} in the local store ${dir}: `), e.shortMessage);
      return true;
    });
  });

  test("roots that are not 32-byte lowercase hex are refused (no path tricks)", async () => {
    const store = localStore(dir);
    for (const bad of ["../etc/passwd", "0x1234", `0x${"AB".repeat(32)}`]) {
      await assert.rejects(store.get(bad as `0x${string}`), StorageError);
      await assert.rejects(store.has(bad as `0x${string}`), StorageError);
    }
  });

  test("a failed put leaves no temporary file and no object", async () => {
    const store = localStore(dir);
    const bytes = text("cannot land");
    const root = merkleRoot(bytes);
    // A non-empty directory squats the object's path: the final rename must fail.
    await mkdir(join(dir, root, "squatter"), { recursive: true });
    await assert.rejects(store.put(bytes), (e: unknown) => {
      assert.ok(e instanceof StorageError);
      assert.match(e.shortMessage, new RegExp(`could not write object ${root} to the local store`));
      return true;
    });
    assert.deepEqual(await readdir(dir), [root], "only the squatting directory remains");
    assert.equal(await store.has(root), false);
  });
});

describe("writeFileAtomic", () => {
  test("replaces the whole file and cleans up after a failed write", async () => {
    const dir = await mkdtemp(join(tmpdir(), "2pm-atomic-"));
    try {
      const path = join(dir, "f.json");
      await writeFileAtomic(path, "old");
      await writeFileAtomic(path, "new");
      assert.equal(await readFile(path, "utf8"), "new");
      // Writing to a path whose parent is a file fails at mkdir; writing over a directory fails at rename.
      await mkdir(join(dir, "d", "x"), { recursive: true });
      await assert.rejects(writeFileAtomic(join(dir, "d"), "data"));
      assert.deepEqual((await readdir(dir)).sort(), ["d", "f.json"]);
      await assert.rejects(writeFileAtomic(join(path, "child"), "data"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("honours the file mode (for keys)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "2pm-atomic-"));
    try {
      const path = join(dir, "secret");
      await writeFileAtomic(path, "k", { mode: 0o600 });
      const { stat } = await import("node:fs/promises");
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
