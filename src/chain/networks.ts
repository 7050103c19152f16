import { defineChain, type Chain } from "viem";
import { hardhat, zeroGMainnet, zeroGTestnet } from "viem/chains";
import { ChainError } from "./errors.ts";

export type NetworkName = "localhost" | "hardhat" | "zgGalileo" | "zgMainnet";

export type NetworkInfo = { name: NetworkName; chain: Chain; rpcUrl: string; local: boolean };

/**
 * The networks 2PM knows. RPC URLs can be overridden by environment variables (never committed):
 * LOCALHOST_RPC_URL, ZG_GALILEO_RPC_URL, ZG_MAINNET_RPC_URL.
 */
export function getNetwork(name: string, env: NodeJS.ProcessEnv = process.env): NetworkInfo {
  switch (name) {
    case "localhost":
    case "hardhat": {
      const rpcUrl = env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545";
      return { name, chain: defineChain({ ...hardhat, rpcUrls: { default: { http: [rpcUrl] } } }), rpcUrl, local: true };
    }
    case "zgGalileo":
      return { name, chain: zeroGTestnet, rpcUrl: env.ZG_GALILEO_RPC_URL ?? zeroGTestnet.rpcUrls.default.http[0], local: false };
    case "zgMainnet":
      return { name, chain: zeroGMainnet, rpcUrl: env.ZG_MAINNET_RPC_URL ?? zeroGMainnet.rpcUrls.default.http[0], local: false };
    default:
      throw new ChainError(`unknown network '${name}': use localhost, zgGalileo or zgMainnet`);
  }
}
