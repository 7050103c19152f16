import {
  BaseError,
  HttpRequestError,
  createPublicClient,
  createWalletClient,
  getContract,
  http,
  type Account,
  type PublicClient,
  type WalletClient,
  type Chain,
  type Transport,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { datasetIndexAbi, fheCommitteesAbi, rewardTokenAbi, trainingTasksAbi } from "./abis.ts";
import { loadDeployments, type Deployments } from "./deployments.ts";
import { ChainError, explainChainError } from "./errors.ts";
import { getNetwork, type NetworkInfo } from "./networks.ts";

/** The mnemonic of `npx hardhat node`'s well-known development accounts (local chains only). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

export type ChainContext = {
  network: NetworkInfo;
  deployments: Deployments;
  publicClient: PublicClient<Transport, Chain>;
  walletClient?: WalletClient<Transport, Chain, Account>;
  account?: Account;
  contracts: ReturnType<typeof contractsOf>;
};

export type ConnectOptions = {
  network?: string;
  /** Hex private key of the acting account (else env TWOPM_PRIVATE_KEY). */
  privateKey?: `0x${string}`;
  /** On local chains only: index of a development account (0 = deployer). */
  accountIndex?: number;
  /** Where deployments/ lives. */
  root?: string;
  /** Skip the chain-id check (used by tests that already know). */
  skipChainCheck?: boolean;
};

/** Resolves the acting account from options/env; undefined when read-only. */
export function resolveAccount(network: NetworkInfo, options: ConnectOptions): Account | undefined {
  const key = options.privateKey ?? (process.env.TWOPM_PRIVATE_KEY as `0x${string}` | undefined);
  if (key) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new ChainError("the private key must be 0x followed by 64 hex digits");
    return privateKeyToAccount(key);
  }
  if (options.accountIndex !== undefined) {
    if (!network.local) {
      throw new ChainError(`--account <index> only works on local chains; on ${network.name} set TWOPM_PRIVATE_KEY`);
    }
    return mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: options.accountIndex });
  }
  return undefined;
}

function contractsOf(deployments: Deployments, publicClient: PublicClient<Transport, Chain>, walletClient?: WalletClient<Transport, Chain, Account>) {
  const client = walletClient ? { public: publicClient, wallet: walletClient } : { public: publicClient };
  return {
    datasetIndex: getContract({ address: deployments.datasetIndex.address, abi: datasetIndexAbi, client }),
    trainingTasks: getContract({ address: deployments.trainingTasks.address, abi: trainingTasksAbi, client }),
    fheCommittees: getContract({ address: deployments.fheCommittees.address, abi: fheCommitteesAbi, client }),
    rewardToken: getContract({ address: deployments.rewardToken.address, abi: rewardTokenAbi, client }),
  };
}

/**
 * Connects to a network: viem clients, the acting account and typed contract handles, after checking that the
 * RPC serves the chain the deployments were made on.
 * @example const ctx = await connect({ network: "localhost", accountIndex: 1 });
 */
export async function connect(options: ConnectOptions = {}): Promise<ChainContext> {
  const network = getNetwork(options.network ?? "localhost");
  const deployments = loadDeployments(network.name === "hardhat" ? "localhost" : network.name, options.root);
  const transport = http(network.rpcUrl, { retryCount: 2 });
  const publicClient = createPublicClient({ chain: network.chain, transport, pollingInterval: 250 }) as PublicClient<Transport, Chain>;
  if (!options.skipChainCheck) {
    let chainId: number;
    try {
      chainId = await publicClient.getChainId();
    } catch (err) {
      throw unreachable(network, err);
    }
    if (chainId !== network.chain.id) {
      throw new ChainError(`the RPC of '${network.name}' serves chain id ${chainId}, expected ${network.chain.id}: check the RPC URL`);
    }
    if (chainId !== deployments.chainId) {
      throw new ChainError(`deployments/${deployments.network} were made on chain ${deployments.chainId}, but the RPC serves chain ${chainId}: redeploy`);
    }
    if (network.local) {
      const code = await publicClient.getCode({ address: deployments.trainingTasks.address });
      if (!code || code === "0x") {
        throw new ChainError(`no TrainingTasks contract at ${deployments.trainingTasks.address}: the local chain was restarted; run \`npx hardhat deploy --network localhost\``);
      }
    }
  }
  const account = resolveAccount(network, options);
  const walletClient = account
    ? (createWalletClient({ account, chain: network.chain, transport }) as WalletClient<Transport, Chain, Account>)
    : undefined;
  return { network, deployments, publicClient, walletClient, account, contracts: contractsOf(deployments, publicClient, walletClient) };
}

/** The environment variable that overrides each network's RPC URL (see getNetwork). */
const RPC_URL_VARIABLE = { localhost: "LOCALHOST_RPC_URL", hardhat: "LOCALHOST_RPC_URL", zgGalileo: "ZG_GALILEO_RPC_URL", zgMainnet: "ZG_MAINNET_RPC_URL" } as const;

/**
 * Why the RPC did not answer eth_chainId, in one line naming the URL (its origin only: paths and user info can carry
 * API keys) and the variable that sets it. An HTTP error status (401, 403, 429…) is the server answering, not a
 * node that is down.
 */
function unreachable(network: NetworkInfo, err: unknown): ChainError {
  let origin = network.rpcUrl;
  try {
    origin = new URL(network.rpcUrl).origin;
  } catch {}
  const where = `the ${network.name} RPC at ${origin}`;
  const http = err instanceof BaseError ? (err.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null) : null;
  if (http?.status === 401 || http?.status === 403) {
    return new ChainError(`${where} refused the request: HTTP ${http.status} ${http.status === 401 ? "Unauthorized" : "Forbidden"}: check the credentials (API key) in ${RPC_URL_VARIABLE[network.name]}`, { cause: err });
  }
  if (http?.status) return new ChainError(`${where} answered HTTP ${http.status}: check ${RPC_URL_VARIABLE[network.name]}`, { cause: err });
  const reason = explainChainError(err, "eth_chainId").shortMessage;
  return new ChainError(`cannot reach ${where}: is the node running? (set ${RPC_URL_VARIABLE[network.name]} for another URL; ${reason})`, { cause: err });
}

/** The acting account, or a clear error when the command needs one. */
export function requireAccount(ctx: ChainContext): { account: Account; walletClient: WalletClient<Transport, Chain, Account> } {
  if (!ctx.account || !ctx.walletClient) {
    throw new ChainError(ctx.network.local
      ? "this command sends a transaction: pass --account <index> (local dev accounts) or set TWOPM_PRIVATE_KEY"
      : "this command sends a transaction: set TWOPM_PRIVATE_KEY");
  }
  return { account: ctx.account, walletClient: ctx.walletClient };
}
