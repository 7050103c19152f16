// The chain's fingerprint (the hash of the deployment block) and the chain reads behind it, through a viem public
// client. Shared by the start-up checks (PGlite, Postgres) and the watchdog.
import { BaseError, BlockNotFoundError, createPublicClient, http, type PublicClient } from "viem";

export type ChainResetPolicy = "wipe" | "refuse";

export type GuardDatabase = { kind: "pglite"; directory: string } | { kind: "postgres"; connectionString: string };

export type GuardChainParameters = {
  network: string;
  chainId: number;
  rpcUrl: string;
  /** The deployment block: its hash is the chain's fingerprint. */
  startBlock: number;
  /** A deployed contract (checked for code: a restarted node without a deployment has none). */
  contract: `0x${string}`;
  database: GuardDatabase;
  /** Ponder's database schema (`--schema`). */
  schema: string;
  onReset: ChainResetPolicy;
  /** Re-check the fingerprint this often while running (0 = never). */
  watchIntervalMs: number;
  log: (level: "info" | "warn" | "error", msg: string) => void;
};

export type Fingerprint = { chainId: number; blockNumber: number; blockHash: string };

/** A URL safe to print: no credentials, no path or query (API keys often live there). */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "<invalid url>";
  }
}

const clients = new Map<string, PublicClient>();

/** One client per (URL, timeout); no retries: the watchdog asks again a second later anyway. */
export function chainClient(rpcUrl: string, timeoutMs = 5_000): PublicClient {
  const key = `${timeoutMs} ${rpcUrl}`;
  let client = clients.get(key);
  if (!client) {
    client = createPublicClient({ transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 0 }) });
    clients.set(key, client);
  }
  return client;
}

/** The short reason of a failed RPC call, without the URL viem puts into its long messages. */
export function rpcFailure(err: unknown): string {
  const text = err instanceof BaseError ? err.details || err.shortMessage : err instanceof Error ? err.message : String(err);
  return text.replace(/https?:\/\/[^\s"')]+/g, (url) => redactUrl(url));
}

/** The hash of block `blockNumber` (lowercase), or null when the chain has no such block. */
export async function blockHash(client: PublicClient, blockNumber: number): Promise<string | null> {
  try {
    const block = await client.getBlock({ blockNumber: BigInt(blockNumber) });
    return block.hash?.toLowerCase() ?? null;
  } catch (err) {
    if (err instanceof BlockNotFoundError) return null;
    throw err;
  }
}

/** Reads the chain's fingerprint, with one-line errors for an unreachable RPC, a wrong chain or a missing deployment. */
export async function readFingerprint(p: Pick<GuardChainParameters, "network" | "chainId" | "rpcUrl" | "startBlock" | "contract">): Promise<Fingerprint> {
  const client = chainClient(p.rpcUrl);
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (err) {
    throw new Error(`cannot reach the ${p.network} RPC at ${redactUrl(p.rpcUrl)} (eth_chainId: ${rpcFailure(err)}): is the node running?`);
  }
  if (chainId !== p.chainId) {
    throw new Error(`the ${p.network} RPC at ${redactUrl(p.rpcUrl)} serves chain ${chainId}, but the deployments are for chain ${p.chainId}: check the RPC URL or TWOPM_NETWORK`);
  }
  const hash = await blockHash(client, p.startBlock);
  const code = hash ? await client.getCode({ address: p.contract }) : undefined;
  if (!hash || code === undefined || code === "0x") {
    throw new Error(`no 2PM contracts on the ${p.network} chain at ${redactUrl(p.rpcUrl)} (deployment block ${p.startBlock}${hash ? "" : " does not exist"}): the node was restarted; run \`npx hardhat deploy --network ${p.network}\` first`);
  }
  return { chainId, blockNumber: p.startBlock, blockHash: hash };
}

/** The hash the chain now has at a stored fingerprint's block (no second call when it is the current fingerprint's). */
export function currentHashOf(p: GuardChainParameters, stored: Fingerprint, fingerprint: Fingerprint): Promise<string | null> {
  return stored.blockNumber === fingerprint.blockNumber ? Promise.resolve(fingerprint.blockHash) : blockHash(chainClient(p.rpcUrl), stored.blockNumber);
}

export function resetMessage(p: GuardChainParameters, where: string, stored: Fingerprint, current: string | null): string {
  return `chain reset detected on ${p.network} (chain ${p.chainId}): block ${stored.blockNumber} is now ${current ?? "missing"}, but ${where} was indexed from ${stored.blockHash}. ` +
    `Restart with INDEXER_ON_CHAIN_RESET=wipe to drop the stale data and re-index, or point the indexer at the chain it indexed`;
}
