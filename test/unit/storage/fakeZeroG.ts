/**
 * Test helper (not a test): a fake 0G deployment on 127.0.0.1 — indexer (/indexer), one storage node (/node) and
 * an EVM JSON-RPC with a fake Flow + market contract (/rpc) — implementing exactly the JSON-RPC methods that
 * @0glabs/0g-ts-sdk 0.3.3 calls for an upload (Indexer.newUploaderFromIndexerNodes + Uploader.uploadFile) and a
 * download (indexer_getFileLocations + Downloader). The Flow ABI is written here independently of the SDK's, so
 * the submit transaction's shape is checked against what the contract expects. Roots are computed with the
 * SDK's own MemData, never with our merkleRoot.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MemData } from "@0glabs/0g-ts-sdk";
import { Interface, Transaction, decodeBase64, encodeBase64, keccak256 } from "ethers";

const CHUNK = 256;
const SEGMENT = 256 * 1024;
const ZERO_HASH = `0x${"00".repeat(32)}`;
export const FLOW_ADDRESS = "0x00000000000000000000000000000000000f1001";
export const MARKET_ADDRESS = "0x000000000000000000000000000000000000a4e7";
export const CHAIN_ID = 16602;
export const PRICE_PER_SECTOR = 3n;

export const flowInterface = new Interface([
  "function market() view returns (address)",
  "function submit((uint256 length, bytes tags, (bytes32 root, uint256 height)[] nodes) submission) payable returns (uint256, bytes32, uint256, uint256)",
  "event Submit(address indexed sender, bytes32 indexed identity, uint256 submissionIndex, uint256 startPos, uint256 length, (uint256 length, bytes tags, (bytes32 root, uint256 height)[] nodes) submission)",
]);
const marketInterface = new Interface(["function pricePerSector() view returns (uint256)"]);

export type RpcCall = { endpoint: "indexer" | "node" | "rpc"; method: string; params: unknown[] };

export type SubmitTx = {
  hash: string;
  from: string;
  to: string;
  value: bigint;
  submission: { length: bigint; tags: string; nodes: { root: string; height: bigint }[] };
};

type Entry = {
  seq: number;
  startEntryIndex: number;
  size: number;
  root: string | null;
  data: Uint8Array;
  received: Set<number>;
  finalized: boolean;
  tx: SubmitTx | null;
};

export type FakeZeroG = {
  indexerUrl: string;
  nodeUrl: string;
  rpcUrl: string;
  calls: RpcCall[];
  submits: SubmitTx[];
  /** Makes a finalized file available for download, as if uploaded earlier; returns the SDK's root of it. */
  seed(bytes: Uint8Array): Promise<string>;
  /** From now on the node serves `bytes` (same length) for `root`. */
  tamper(root: string, bytes: Uint8Array): void;
  close(): Promise<void>;
};

async function sdkRoot(bytes: Uint8Array): Promise<string> {
  const [tree, error] = await new MemData(bytes).merkleTree();
  if (error || !tree) throw error ?? new Error("no tree");
  return tree.rootHash()!;
}

/** Starts the fake on a free port of 127.0.0.1. Always `await fake.close()` (in a finally / after hook). */
export async function startFakeZeroG(): Promise<FakeZeroG> {
  const calls: RpcCall[] = [];
  const submits: SubmitTx[] = [];
  const entries: Entry[] = [];
  const receipts = new Map<string, object>();
  let nextEntryIndex = 0;
  let base = "";

  const info = (e: Entry) => ({
    tx: {
      streamIds: [],
      data: "0x",
      dataMerkleRoot: e.root ?? ZERO_HASH,
      merkleNodes: [],
      startEntryIndex: e.startEntryIndex,
      size: e.size,
      seq: e.seq,
    },
    finalized: e.finalized,
    isCached: false,
    uploadedSegNum: e.received.size,
  });
  const byRoot = (root: unknown) => entries.find((e) => e.root === root && e.finalized);
  const location = () => ({ url: `${base}/node`, config: { numShard: 1, shardId: 0 }, latency: 1, since: 0 });

  function newEntry(size: number, chunks: number): Entry {
    // Segment-aligned like 0G's flow for files of a segment or more (the SDK's Downloader assumes it).
    const startEntryIndex = Math.ceil(nextEntryIndex / 1024) * 1024;
    const entry: Entry = {
      seq: entries.length,
      startEntryIndex,
      size,
      root: null,
      data: new Uint8Array(size),
      received: new Set(),
      finalized: false,
      tx: null,
    };
    nextEntryIndex = startEntryIndex + chunks;
    entries.push(entry);
    return entry;
  }

  async function indexer(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "indexer_getShardedNodes":
        return { trusted: [location()], discovered: [] };
      case "indexer_getFileLocations":
        return byRoot(params[0]) ? [location()] : null; // the Go indexer answers null for unknown files
    }
    throw new RpcError(-32601, `method ${method} not found`);
  }

  async function node(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "zgs_getStatus":
        return {
          connectedPeers: 1,
          logSyncHeight: 16,
          logSyncBlock: ZERO_HASH,
          nextTxSeq: entries.length,
          networkIdentity: { chainId: CHAIN_ID, flowAddress: FLOW_ADDRESS, p2pProtocolVersion: { major: 0, minor: 4, build: 0 } },
        };
      case "zgs_getShardConfig":
        return { numShard: 1, shardId: 0 };
      case "zgs_getFileInfo": {
        const e = entries.find((x) => x.root === params[0]);
        return e ? info(e) : null;
      }
      case "zgs_getFileInfoByTxSeq": {
        const e = entries[Number(params[0])];
        return e ? info(e) : null;
      }
      case "zgs_uploadSegmentsByTxSeq": {
        const [segments, seq] = params as [{ root: string; data: string; index: number; fileSize: number }[], number];
        const e = entries[seq];
        if (!e) throw new RpcError(-32602, "unknown tx seq");
        if (e.finalized) throw new RpcError(-32602, "Invalid params", "already uploaded and finalized");
        for (const segment of segments) {
          if (e.root !== null && e.root !== segment.root) throw new RpcError(-32602, "segment root differs");
          if (segment.fileSize !== e.size) throw new RpcError(-32602, "segment fileSize differs from the tx");
          e.root = segment.root;
          const bytes = decodeBase64(segment.data);
          const start = segment.index * SEGMENT;
          e.data.set(bytes.subarray(0, Math.max(0, Math.min(bytes.length, e.size - start))), start);
          e.received.add(segment.index);
        }
        if (e.received.size === Math.ceil(e.size / SEGMENT)) {
          // Finalize only if the assembled bytes hash to the claimed root and match the paid submission.
          if ((await sdkRoot(e.data)) !== e.root) throw new RpcError(-32602, "data does not match root");
          const [expected] = await new MemData(e.data).createSubmission("0x");
          const paid = e.tx?.submission;
          const same =
            paid !== undefined &&
            expected !== null &&
            paid.length === BigInt(expected.length) &&
            paid.nodes.length === expected.nodes.length &&
            paid.nodes.every((n, i) => n.root === expected.nodes[i].root && n.height === BigInt(expected.nodes[i].height));
          if (!same) throw new RpcError(-32602, "submission on chain does not match the uploaded data");
          e.finalized = true;
        }
        return 0;
      }
      case "zgs_downloadSegmentByTxSeq": {
        const [seq, startChunk, endChunk] = params as [number, number, number];
        const e = entries[seq];
        if (!e || !e.finalized) return null;
        const out = new Uint8Array((endChunk - startChunk) * CHUNK); // whole chunks, zero padded
        out.set(e.data.subarray(startChunk * CHUNK, Math.min(e.size, endChunk * CHUNK)));
        return encodeBase64(out);
      }
    }
    throw new RpcError(-32601, `method ${method} not found`);
  }

  async function rpc(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_chainId":
        return `0x${CHAIN_ID.toString(16)}`;
      case "net_version":
        return String(CHAIN_ID);
      case "eth_blockNumber":
        return "0x10";
      case "eth_gasPrice":
        return "0x3b9aca00";
      case "eth_getBlockByNumber": // a pre-London block (no baseFeePerGas): ethers uses a legacy gasPrice
        return {
          hash: keccak256(`0x${"22".repeat(32)}`),
          parentHash: ZERO_HASH,
          number: "0x10",
          timestamp: "0x6553f100",
          nonce: "0x0000000000000000",
          difficulty: "0x0",
          gasLimit: "0x1c9c380",
          gasUsed: "0x0",
          miner: `0x${"00".repeat(20)}`,
          extraData: "0x",
          transactions: [],
        };
      case "eth_getTransactionCount":
        return `0x${submits.length.toString(16)}`;
      case "eth_estimateGas":
        return "0x100000";
      case "eth_call": {
        const { to, data } = params[0] as { to: string; data: string };
        if (to.toLowerCase() === FLOW_ADDRESS && flowInterface.parseTransaction({ data })?.name === "market") {
          return flowInterface.encodeFunctionResult("market", [MARKET_ADDRESS]);
        }
        if (to.toLowerCase() === MARKET_ADDRESS && marketInterface.parseTransaction({ data })?.name === "pricePerSector") {
          return marketInterface.encodeFunctionResult("pricePerSector", [PRICE_PER_SECTOR]);
        }
        throw new RpcError(3, "execution reverted");
      }
      case "eth_sendRawTransaction": {
        const raw = params[0] as string;
        const tx = Transaction.from(raw);
        if (tx.to?.toLowerCase() !== FLOW_ADDRESS) throw new RpcError(-32000, "unexpected destination");
        const call = flowInterface.parseTransaction({ data: tx.data, value: tx.value });
        if (call?.name !== "submit") throw new RpcError(-32000, "not a Flow.submit call");
        // ethers Results are arrays: read the struct by position ("length" would be the array length).
        const [length, tags, nodes] = call.args[0] as [bigint, string, [string, bigint][]];
        const submission = {
          length: BigInt(length),
          tags: String(tags),
          nodes: Array.from(nodes, ([root, height]) => ({ root, height: BigInt(height) })),
        };
        const sectors = submission.nodes.reduce((sum, n) => sum + (1n << n.height), 0n);
        if (tx.value !== sectors * PRICE_PER_SECTOR) throw new RpcError(-32000, "wrong storage fee");
        const hash = keccak256(raw);
        const chunks = Number(sectors);
        const entry = newEntry(Number(submission.length), chunks);
        const submit: SubmitTx = { hash, from: tx.from!, to: tx.to, value: tx.value, submission };
        entry.tx = submit;
        submits.push(submit);
        const event = flowInterface.encodeEventLog("Submit", [
          tx.from,
          ZERO_HASH,
          entry.seq,
          entry.startEntryIndex,
          chunks,
          [submission.length, submission.tags, submission.nodes.map((n) => [n.root, n.height])],
        ]);
        const blockHash = keccak256(`0x${"11".repeat(32)}`);
        receipts.set(hash, {
          transactionHash: hash,
          transactionIndex: "0x0",
          blockHash,
          blockNumber: "0x10",
          from: tx.from,
          to: tx.to,
          cumulativeGasUsed: "0x5208",
          gasUsed: "0x5208",
          effectiveGasPrice: "0x3b9aca00",
          contractAddress: null,
          logs: [
            {
              address: FLOW_ADDRESS,
              topics: event.topics,
              data: event.data,
              blockNumber: "0x10",
              transactionHash: hash,
              transactionIndex: "0x0",
              blockHash,
              logIndex: "0x0",
              removed: false,
            },
          ],
          logsBloom: `0x${"00".repeat(256)}`,
          status: "0x1",
          type: "0x0",
        });
        return hash;
      }
      case "eth_getTransactionReceipt":
        return receipts.get(params[0] as string) ?? null;
      case "eth_getTransactionByHash":
        return null;
    }
    throw new RpcError(-32601, `method ${method} not found`);
  }

  const handlers = { indexer, node, rpc } as const;

  const server: Server = createServer(async (req, res) => {
    const endpoint = (req.url ?? "").replace(/^\//, "") as keyof typeof handlers;
    const handler = handlers[endpoint];
    const body = await readBody(req);
    if (!handler || req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const answer = async (request: { id: unknown; method: string; params?: unknown[] }) => {
      const params = request.params ?? [];
      calls.push({ endpoint, method: request.method, params });
      try {
        return { jsonrpc: "2.0", id: request.id, result: await handler(request.method, params) };
      } catch (error) {
        const e = error instanceof RpcError ? error : new RpcError(-32603, String(error));
        return { jsonrpc: "2.0", id: request.id, error: { code: e.code, message: e.message, data: e.data } };
      }
    };
    const parsed = JSON.parse(body);
    const reply = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    indexerUrl: `${base}/indexer`,
    nodeUrl: `${base}/node`,
    rpcUrl: `${base}/rpc`,
    calls,
    submits,
    async seed(bytes) {
      const entry = newEntry(bytes.length, Math.ceil(bytes.length / CHUNK));
      entry.data.set(bytes);
      entry.root = await sdkRoot(bytes);
      entry.received = new Set(Array.from({ length: Math.ceil(bytes.length / SEGMENT) }, (_, i) => i));
      entry.finalized = true;
      return entry.root;
    },
    tamper(root, bytes) {
      const e = entries.find((x) => x.root === root);
      if (!e || bytes.length !== e.size) throw new Error("tamper: unknown root or different size");
      e.data = bytes;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

class RpcError extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}
