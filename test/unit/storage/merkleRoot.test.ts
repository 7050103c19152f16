import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MemData } from "@0glabs/0g-ts-sdk";
import fc from "fast-check";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { StorageError, merkleRoot, merkleRootOfFile } from "../../../src/storage/index.ts";

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function sdkRoot(bytes: Uint8Array): Promise<string | null | undefined> {
  const [tree, error] = await new MemData(bytes).merkleTree();
  assert.equal(error, null);
  return tree?.rootHash();
}

const MiB = 1 << 20;
const SIZES = [1, 255, 256, 257, 4096, 262143, 262144, 262145, MiB + 3, 3 * 262144 + 1000, 4 * MiB + 1];

describe("merkleRoot", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "2pm-merkle-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const size of SIZES) {
    test(`equals the 0G SDK root byte for byte: ${size} bytes (buffer and file)`, async () => {
      const bytes = bytesOf(size, size);
      const expected = await sdkRoot(bytes);
      assert.match(expected!, /^0x[0-9a-f]{64}$/);
      assert.equal(merkleRoot(bytes), expected);
      const path = join(dir, `f${size}`);
      await writeFile(path, bytes);
      assert.equal(await merkleRootOfFile(path), expected);
    });
  }

  test("a single chunk's root is the keccak256 of the zero-padded chunk", () => {
    const bytes = bytesOf(100, 7);
    const padded = new Uint8Array(256);
    padded.set(bytes);
    assert.equal(merkleRoot(bytes), `0x${Buffer.from(keccak_256(padded)).toString("hex")}`);
  });

  test("works on a subarray view with an unaligned offset", async () => {
    const backing = bytesOf(300_001, 3);
    const view = backing.subarray(3, 300_000);
    assert.equal(merkleRoot(view), await sdkRoot(view.slice()));
  });

  test("empty data: the SDK has no root, we throw a StorageError", async () => {
    assert.equal(await sdkRoot(new Uint8Array(0)), undefined);
    assert.throws(() => merkleRoot(new Uint8Array(0)), (e: unknown) => {
      assert.ok(e instanceof StorageError);
      assert.match(e.shortMessage, /empty data/);
      return true;
    });
    const path = join(dir, "empty");
    await writeFile(path, new Uint8Array(0));
    await assert.rejects(merkleRootOfFile(path), StorageError);
  });

  test("the root does not bind trailing zeros inside the padding (a property of 0G roots)", async () => {
    const bytes = bytesOf(1000, 11);
    const withZero = new Uint8Array(1001);
    withZero.set(bytes);
    assert.equal(merkleRoot(withZero), merkleRoot(bytes));
    assert.equal(await sdkRoot(withZero), await sdkRoot(bytes));
    const changed = withZero.slice();
    changed[1000] = 1;
    assert.notEqual(merkleRoot(changed), merkleRoot(bytes));
  });

  test("reports progress per segment up to the total", () => {
    const seen: [number, number][] = [];
    merkleRoot(bytesOf(600_000, 5), { onProgress: (done, total) => seen.push([done, total]) });
    assert.deepEqual(seen, [[262144, 600_000], [524288, 600_000], [600_000, 600_000]]);
  });
});

describe("merkleRoot property", () => {
  test("equals the SDK root for random lengths and contents (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 * 262144 + 300 }), fc.integer(), async (size, seed) => {
        const bytes = bytesOf(size, seed);
        assert.equal(merkleRoot(bytes), await sdkRoot(bytes));
      }),
      { numRuns: 20 },
    );
  });
});
