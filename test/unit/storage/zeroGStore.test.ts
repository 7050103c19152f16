import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { MemData } from "@0glabs/0g-ts-sdk";
import { Wallet } from "ethers";
import {
  ObjectNotFoundError,
  RootMismatchError,
  StorageError,
  merkleRoot,
  zeroGStore,
} from "../../../src/storage/index.ts";
import { FLOW_ADDRESS, PRICE_PER_SECTOR, startFakeZeroG, type FakeZeroG } from "./fakeZeroG.ts";

// A throwaway key (Hardhat's account #0): the fake chain checks the signature, nothing is paid anywhere.
const PRIVATE_KEY = "0xac0974bec39a17e36ba4a91b1ff5ae2f7e2f7e0a3ce8a3a96d1a5a3b1c1a7e19";

function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("zeroGStore against a fake 0G indexer, storage node and chain on 127.0.0.1", () => {
  let fake: FakeZeroG;
  before(async () => {
    fake = await startFakeZeroG();
  });
  after(async () => {
    await fake.close();
  });

  const storeFor = (logs?: string[]) =>
    zeroGStore({
      indexerUrl: fake.indexerUrl,
      rpcUrl: fake.rpcUrl,
      privateKey: PRIVATE_KEY,
      timeoutMs: 60_000,
      onLog: logs ? (line) => logs.push(line) : undefined,
    });

  test("get downloads a multi-segment file through the SDK downloader and verifies it", async () => {
    const bytes = bytesOf(600 * 1024 + 7, 1);
    const root = await fake.seed(bytes);
    assert.equal(root, merkleRoot(bytes));
    const store = storeFor();
    assert.equal(await store.has(root as `0x${string}`), true);
    assert.deepEqual(await store.get(root as `0x${string}`), bytes);
    const methods = new Set(fake.calls.map((c) => `${c.endpoint}:${c.method}`));
    for (const m of ["indexer:indexer_getFileLocations", "node:zgs_getFileInfo", "node:zgs_getShardConfig", "node:zgs_downloadSegmentByTxSeq"]) {
      assert.ok(methods.has(m), `expected a ${m} call`);
    }
    const segmentCalls = fake.calls.filter((c) => c.method === "zgs_downloadSegmentByTxSeq");
    assert.deepEqual(segmentCalls.slice(-3).map((c) => c.params.slice(1)), [[0, 1024], [1024, 2048], [2048, 2401]]);
  });

  test("get refuses bytes that a node altered", async () => {
    const bytes = bytesOf(5000, 2);
    const root = (await fake.seed(bytes)) as `0x${string}`;
    const altered = bytes.slice();
    altered[4999] ^= 1;
    fake.tamper(root, altered);
    await assert.rejects(storeFor().get(root), (e: unknown) => {
      assert.ok(e instanceof RootMismatchError);
      assert.match(e.shortMessage, new RegExp(`^bytes downloaded from 0G storage for ${root} do not match their root`));
      return true;
    });
  });

  test("an unknown root is ObjectNotFoundError and has() is false", async () => {
    const root = merkleRoot(bytesOf(10, 3));
    const store = storeFor();
    assert.equal(await store.has(root), false);
    await assert.rejects(store.get(root), (e: unknown) => {
      assert.ok(e instanceof ObjectNotFoundError);
      assert.ok(e.shortMessage.startsWith(`no object ${root} on 0G storage (indexer 127.0.0.1:`), e.shortMessage);
      return true;
    });
  });

  test("put pays Flow.submit from the wallet, uploads the segments, and the object reads back", async () => {
    const logs: string[] = [];
    const consoleLog = console.log;
    const bytes = bytesOf(300 * 1024 + 123, 4);
    const store = storeFor(logs);
    const root = await store.put(bytes);
    assert.equal(console.log, consoleLog, "console.log is restored");
    assert.equal(root, merkleRoot(bytes));
    assert.ok(logs.some((l) => l.includes(`root=${root}`)), "SDK progress lines go to onLog, not stdout");

    assert.equal(fake.submits.length, 1);
    const [submit] = fake.submits;
    assert.equal(submit.from, new Wallet(PRIVATE_KEY).address);
    assert.equal(submit.to.toLowerCase(), FLOW_ADDRESS);
    const [expected] = await new MemData(bytes).createSubmission("0x");
    assert.equal(submit.submission.length, BigInt(bytes.length));
    assert.deepEqual(
      submit.submission.nodes.map((n) => [n.root, Number(n.height)]),
      expected!.nodes.map((n) => [n.root, n.height]),
    );
    const sectors = expected!.nodes.reduce((sum, n) => sum + 2 ** Number(n.height), 0);
    assert.equal(submit.value, BigInt(sectors) * PRICE_PER_SECTOR);
    const uploads = fake.calls.filter((c) => c.method === "zgs_uploadSegmentsByTxSeq");
    assert.equal(uploads.length, 1);
    const segments = uploads[0].params[0] as { root: string; index: number; fileSize: number }[];
    assert.deepEqual(segments.map((s) => [s.root, s.index, s.fileSize]), [[root, 0, bytes.length], [root, 1, bytes.length]]);

    assert.equal(await store.has(root), true);
    assert.deepEqual(await store.get(root), bytes);

    // The same bytes again: the nodes already hold them, so no second fee and no second upload.
    assert.equal(await store.put(bytes), root);
    assert.equal(fake.submits.length, 1);
    assert.equal(fake.calls.filter((c) => c.method === "zgs_uploadSegmentsByTxSeq").length, 1);
  });

  test("an unreachable indexer is a StorageError that shows the host but no credentials", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const store = zeroGStore({
      indexerUrl: `http://user:hunter2@127.0.0.1:${port}/indexer?apikey=SECRET`,
      rpcUrl: fake.rpcUrl,
      privateKey: PRIVATE_KEY,
    });
    await assert.rejects(store.get(merkleRoot(bytesOf(10, 5))), (e: unknown) => {
      assert.ok(e instanceof StorageError);
      assert.match(e.shortMessage, new RegExp(`^could not reach the 0G indexer 127\\.0\\.0\\.1:${port}: `));
      assert.doesNotMatch(e.message, /hunter2|SECRET/);
      return true;
    });
  });

  test("a malformed private key is refused without echoing it", () => {
    assert.throws(
      () => zeroGStore({ indexerUrl: fake.indexerUrl, rpcUrl: fake.rpcUrl, privateKey: "0xnot-a-key-secret" }),
      (e: unknown) => e instanceof StorageError && !e.message.includes("secret"),
    );
  });
});
