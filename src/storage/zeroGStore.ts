import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Indexer, StorageNode } from "@0glabs/0g-ts-sdk";
import type { Hex } from "viem";
import { ObjectNotFoundError, RootMismatchError, StorageError } from "./errors.ts";
import { assertRoot } from "./root.ts";
import { merkleRoot } from "./merkleRoot.ts";
import type { ContentStore } from "./types.ts";

export type ZeroGStoreParameters = {
  /** 0G storage indexer JSON-RPC URL (e.g. the Galileo turbo indexer). */
  indexerUrl: string;
  /** EVM JSON-RPC URL of the 0G chain the Flow contract lives on (fees are paid there). */
  rpcUrl: string;
  /** Private key (0x + 64 hex) of the account that pays the storage fee. */
  privateKey: string;
  /** Storage nodes that must hold each upload. Default 1. */
  expectedReplica?: number;
  /** Give up on one put/get after this long (the SDK itself waits forever for finality). Default 15 minutes. */
  timeoutMs?: number;
  /** Receives the SDK's progress lines, which it would otherwise print with console.log. Default: dropped. */
  onLog?: (line: string) => void;
  /** Directory for the temporary download file (the SDK downloads to a path). Default os.tmpdir(). */
  tmpDir?: string;
};

export type ZeroGStore = ContentStore & {
  readonly kind: "0g";
  /** Host of the indexer (no credentials, no path), for messages. */
  readonly indexerHost: string;
};

/**
 * A ContentStore on 0G storage through @0glabs/0g-ts-sdk: `put` pays the Flow contract fee and uploads the
 * segments (skipping both when the nodes already hold the file), `get` downloads from the nodes the indexer
 * names and verifies the bytes against the root.
 *
 * @example
 * const store = zeroGStore({ indexerUrl: process.env.ZG_INDEXER_URL!, rpcUrl: process.env.ZG_RPC_URL!, privateKey: process.env.ZG_PRIVATE_KEY! })
 * const root = await store.put(bytes) // root === merkleRoot(bytes)
 */
/** The SDK (and ethers, which it needs) load on first use: they cost ~0.5 s of start-up to every CLI command. */
async function sdk() {
  const [zg, ethers] = await Promise.all([import("@0glabs/0g-ts-sdk"), import("ethers")]);
  return { ...zg, JsonRpcProvider: ethers.JsonRpcProvider, Wallet: ethers.Wallet };
}

export function zeroGStore(parameters: ZeroGStoreParameters): ZeroGStore {
  const { indexerUrl, rpcUrl, privateKey, expectedReplica = 1, timeoutMs = 15 * 60_000, onLog } = parameters;
  const indexerHost = hostOf(indexerUrl);
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(privateKey)) {
    throw new StorageError("the 0G private key is not a private key: expected 64 hex digits (with or without 0x)");
  }
  const key = privateKey.startsWith("0x") ? privateKey : `0x${privateKey}`;

  async function put(bytes: Uint8Array): Promise<Hex> {
    const root = merkleRoot(bytes);
    const { Indexer, JsonRpcProvider, MemData, Wallet } = await sdk();
    const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
    const signer = new Wallet(key, provider);
    const indexer = new Indexer(indexerUrl);
    let uploaderProvider: { destroy(): void } | undefined;
    const uploadFailed = (error: unknown) =>
      new StorageError(`upload of ${root} to 0G storage (indexer ${indexerHost}) failed: ${reason(error)}`, {
        cause: error,
      });
    try {
      const [result, error] = await withSdkLog(onLog, async () => {
        // The SDK's typings resolve ethers' CommonJS declarations and ours the ESM ones: same runtime class.
        const sdkSigner = signer as unknown as Parameters<Indexer["newUploaderFromIndexerNodes"]>[1];
        const [uploader, selectError] = await indexer.newUploaderFromIndexerNodes(rpcUrl, sdkSigner, expectedReplica);
        if (selectError !== null || uploader === null) return [null, selectError ?? new Error("no uploader")] as const;
        uploaderProvider = uploader.provider;
        const options = { tags: "0x", finalityRequired: true, taskSize: 10, expectedReplica, skipTx: true, fee: 0n };
        return uploader.uploadFile(new MemData(bytes), options);
      }).catch((thrown: unknown) => {
        throw uploadFailed(thrown); // the SDK returns most errors but lets ethers' errors escape
      });
      if (error !== null || result === null) throw uploadFailed(error);
      if (result.rootHash !== root) {
        throw new StorageError(`0G SDK computed root ${result.rootHash} for an object whose root is ${root}`, {
          details: "the SDK and merkleRoot disagree: report this as a bug with the object's size",
        });
      }
      return root;
    } finally {
      provider.destroy();
      uploaderProvider?.destroy();
    }
  }

  async function locate(root: Hex): Promise<StorageNode[]> {
    const { Indexer, StorageNode } = await sdk();
    let locations: { url: string }[] | null;
    try {
      locations = await new Indexer(indexerUrl).getFileLocations(root);
    } catch (error) {
      throw new StorageError(`could not reach the 0G indexer ${indexerHost}: ${reason(error)}`, { cause: error });
    }
    return (locations ?? []).map((location) => new StorageNode(location.url));
  }

  async function get(root: Hex): Promise<Uint8Array> {
    assertRoot(root);
    const nodes = await locate(root);
    if (nodes.length === 0) throw notFound(root);
    const dir = await mkdtemp(join(parameters.tmpDir ?? tmpdir(), "2pm-0g-"));
    let bytes: Uint8Array;
    try {
      const file = join(dir, "object");
      let error: Error | null;
      try {
        const { Downloader } = await sdk();
        error = await new Downloader(nodes).downloadFile(root, file, false);
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : new Error(String(thrown));
      }
      if (error !== null) {
        if (/not found/i.test(error.message)) throw notFound(root, error);
        if (/not finalized/i.test(error.message)) {
          throw new StorageError(`object ${root} is on 0G storage but not finalized yet: retry in a minute`);
        }
        throw new StorageError(`download of ${root} from 0G storage failed: ${error.message}`, { cause: error });
      }
      bytes = new Uint8Array(await readFile(file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const actual = merkleRoot(bytes);
    if (actual !== root) {
      throw new RootMismatchError(
        `bytes downloaded from 0G storage for ${root} do not match their root: a storage node served tampered or corrupted data`,
        { details: `the ${bytes.length} bytes received have root ${actual}` },
      );
    }
    return bytes;
  }

  async function has(root: Hex): Promise<boolean> {
    assertRoot(root);
    const nodes = await locate(root);
    for (const node of nodes) {
      const info = await node.getFileInfo(root, true).catch(() => null);
      if (info?.finalized) return true;
    }
    return false;
  }

  function notFound(root: Hex, cause?: unknown): ObjectNotFoundError {
    return new ObjectNotFoundError(
      `no object ${root} on 0G storage (indexer ${indexerHost}): no node holds it; check the root, or wait for its upload to finalize`,
      { cause },
    );
  }

  const limit = <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>) =>
    (...args: A) => withTimeout(fn(...args), timeoutMs, `0G storage ${what} timed out after ${timeoutMs / 1000} s`);

  return { kind: "0g", indexerHost, put: limit("upload", put), get: limit("download", get), has: limit("lookup", has) };
}

// The SDK reports progress with console.log (including node URLs). A library must not print, so while an SDK
// upload runs console.log is redirected to `onLog` (or dropped). Reference-counted for overlapping uploads; other
// code that logs at the same moment is redirected too, which is why this is limited to SDK calls.
let redirected = 0;
let originalLog: typeof console.log = console.log;
const sinks = new Set<(line: string) => void>();

async function withSdkLog<T>(onLog: ((line: string) => void) | undefined, fn: () => Promise<T>): Promise<T> {
  const sink = (line: string) => onLog?.(line);
  if (redirected++ === 0) {
    originalLog = console.log;
    console.log = (...args: unknown[]) => {
      const line = args.map((a) => (typeof a === "string" ? a : safeString(a))).join(" ");
      for (const s of sinks) s(line);
    };
  }
  sinks.add(sink);
  try {
    return await fn();
  } finally {
    sinks.delete(sink);
    if (--redirected === 0) console.log = originalLog;
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === "object" ? JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v)) : String(value);
  } catch {
    return String(value);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageError(message)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The host[:port] of a URL, never its credentials, path or query (which may carry API keys). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || "(no host)";
  } catch {
    throw new StorageError("the 0G indexer URL is not a URL: expected e.g. https://indexer-storage-testnet-turbo.0g.ai");
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === null || error === undefined ? "unknown error" : String(error);
}
