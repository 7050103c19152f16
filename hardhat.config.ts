import { createRequire } from "node:module";
import { configVariable, defineConfig, task } from "hardhat/config";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";

// The Solidity compiler comes from the npm `solc` package (pinned exactly in package.json): Hardhat runs its
// soljson.js as a WASM compiler, so nothing is downloaded at build time.
const require = createRequire(import.meta.url);
const solc = { version: require("solc/package.json").version as string, path: require.resolve("solc/soljson.js") };
const settings = { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" };

const deployTask = task("deploy", "Deploy DatasetIndex, TrainingTasks (and RewardToken) and write deployments/<network>/")
  .addOption({
    name: "rewardToken",
    description: "Address of an existing ERC20 to pay rewards in (default: $REWARD_TOKEN_ADDRESS, else deploy RewardToken)",
    defaultValue: "",
  })
  .addFlag({ name: "reset", description: "Forget earlier deployments on this network and deploy again" })
  .setAction(() => import("./scripts/hardhat/deploy.ts"))
  .build();

export default defineConfig({
  plugins: [hardhatToolboxViem],
  tasks: [deployTask],
  solidity: {
    profiles: {
      default: { ...solc, settings },
      production: { ...solc, settings },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    // `npx hardhat node`: blocks keep the wall clock's time even when several are mined in one second (as on 0G,
    // whose blocks come faster than one a second); without this, bursts of transactions push the chain's clock
    // ahead of real time and challenge windows and deadlines end late.
    node: { type: "edr-simulated", chainType: "l1", allowBlocksWithSameTimestamp: true },
    localhost: { type: "http", chainType: "l1", url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    zgGalileo: {
      type: "http",
      chainType: "l1",
      chainId: 16602,
      url: process.env.ZG_GALILEO_RPC_URL ?? "https://evmrpc-testnet.0g.ai",
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    zgMainnet: {
      type: "http",
      chainType: "l1",
      chainId: 16661,
      url: process.env.ZG_MAINNET_RPC_URL ?? "https://evmrpc.0g.ai",
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
  test: {
    solidity: { fuzz: { runs: 1000 }, invariant: { runs: 1000, depth: 30 } },
  },
});
