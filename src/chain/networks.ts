import { createRequire } from "node:module";
import { defineChain, type Chain } from "viem";
import { ChainError } from "./errors.ts";

export type NetworkName = "localhost" | "hardhat" | "zgGalileo" | "zgMainnet";

export type NetworkInfo = { name: NetworkName; chain: Chain; rpcUrl: string; local: boolean };

// viem/chains loads every chain viem knows (~0.3 s of every CLI start), so only the 0G networks load it, on demand.
const viemChains = (): typeof import("viem/chains") => createRequire(import.meta.url)("viem/chains");

/** The local development chain (Hardhat's id 31337, as viem/chains defines it) at `rpcUrl`. */
const localChain = (rpcUrl: string): Chain =>
  defineChain({ id: 31_337, name: "Hardhat", nativeCurrency: { decimals: 18, name: "Ether", symbol: "ETH" }, rpcUrls: { default: { http: [rpcUrl] } } });

/**
 * The networks 2PM knows. RPC URLs can be overridden by environment variables (never committed):
 * LOCALHOST_RPC_URL, ZG_GALILEO_RPC_URL, ZG_MAINNET_RPC_URL.
 */
export function getNetwork(name: string, env: NodeJS.ProcessEnv = process.env): NetworkInfo {
  switch (name) {
    case "localhost":
    case "hardhat": {
      const rpcUrl = env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545";
      return { name, chain: localChain(rpcUrl), rpcUrl, local: true };
    }
    case "zgGalileo": {
      const { zeroGTestnet } = viemChains();
      return { name, chain: zeroGTestnet, rpcUrl: env.ZG_GALILEO_RPC_URL ?? zeroGTestnet.rpcUrls.default.http[0], local: false };
    }
    case "zgMainnet": {
      const { zeroGMainnet } = viemChains();
      return { name, chain: zeroGMainnet, rpcUrl: env.ZG_MAINNET_RPC_URL ?? zeroGMainnet.rpcUrls.default.http[0], local: false };
    }
    default:
      throw new ChainError(`unknown network '${name}': use localhost, zgGalileo or zgMainnet`);
  }
}
