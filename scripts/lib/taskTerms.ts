// The terms every task is created with (budget, stake, deadlines, aggregator, reward constants): the options
// `task create` and `fhe task create` share, and the part of TaskParams they make.
import type { Command } from "commander";
import { isAddressEqual, type Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { HARDHAT_MNEMONIC, requireAccount, type ChainContext } from "../../src/chain/client.ts";
import { chainTime } from "../../src/chain/chainTime.ts";
import type { TaskParams } from "../../src/chain/tasks/readTaskParams.ts";
import { readTermLimits } from "../../src/chain/termLimits.ts";
import { TwoPmError } from "../../src/errors.ts";
import { addressOption, intOption, tokenOption } from "./options.ts";

export type TaskTermsOptions = {
  budget: bigint; stake: bigint; joinWindow: number; roundDuration: number; revealDuration: number; aggregatorWindow: number;
  challengeWindow: number; claimPeriod: number; aggregator?: Address; resolver?: Address; dataShareBps: number;
  computeDecayBps: number; dataDecayBps: number;
};

/** On a local chain the resolver defaults to development account 0 (the deployer), else to account 19. */
const LOCAL_RESOLVERS = [0, 19].map((i) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i }).address);

/** What differs between the kinds: who stakes and aggregates, what the round is, and its default durations. */
const KIND_TEXT = {
  federated: {
    stake: "stake each node deposits, in TPM",
    joinWindow: "seconds nodes have to join",
    roundDuration: ["seconds per round to submit updates", 600],
    revealDuration: ["seconds after the submit deadline to reveal seeds", 300],
    aggregatorWindow: "seconds after the reveal deadline to finalize a round",
    aggregator: "aggregator account (default: the creator)",
    dataShare: "data share of the pool",
  },
  fhe: {
    stake: "stake the compute node deposits, in TPM",
    joinWindow: "seconds the compute node has to join",
    roundDuration: ["seconds the compute node has to submit the encrypted result", 3_600],
    revealDuration: ["unused by FHE tasks but part of the deadlines", 60],
    aggregatorWindow: "seconds after that to publish the result",
    aggregator: "account that decrypts and publishes the result (default: the creator)",
    dataShare: "data owners' share of the pool",
  },
} as const;

/** Adds the task-terms options (ranges and defaults as TrainingTasks takes them) to a create command. */
export function taskTermsOptions(cmd: Command, kind: keyof typeof KIND_TEXT): Command {
  const text = KIND_TEXT[kind];
  return cmd
    .requiredOption("--budget <tokens>", "reward budget in TPM", tokenOption("--budget"))
    .requiredOption("--stake <tokens>", text.stake, tokenOption("--stake"))
    .option("--aggregator <address>", text.aggregator, addressOption)
    .option("--join-window <s>", text.joinWindow, intOption("--join-window", 1, 2 ** 32), 86_400)
    .option("--round-duration <s>", text.roundDuration[0], intOption("--round-duration", 1, 2 ** 32 - 1), text.roundDuration[1])
    .option("--reveal-duration <s>", text.revealDuration[0], intOption("--reveal-duration", 1, 2 ** 32 - 1), text.revealDuration[1])
    .option("--aggregator-window <s>", text.aggregatorWindow, intOption("--aggregator-window", 1, 2 ** 32 - 1), 3_600)
    .option("--challenge-window <s>", "seconds members have to dispute a settlement (the resolver then has as long)", intOption("--challenge-window", 0, 2 ** 32 - 1), 86_400)
    .option("--claim-period <s>", "seconds claims stay open; what is unclaimed then returns to the creator", intOption("--claim-period", 0, 2 ** 32 - 1), 30 * 86_400)
    .option("--resolver <address>", "who decides disputes: neither the creator nor the aggregator, never a member (required on 0G networks; local default: dev account 0)", addressOption)
    .option("--data-share-bps <bps>", text.dataShare, intOption("--data-share-bps", 0, 10_000), 3_000)
    .option("--compute-decay-bps <bps>", "compute weight decay per round", intOption("--compute-decay-bps", 1, 10_000), 9_500)
    .option("--data-decay-bps <bps>", "data weight decay per round", intOption("--data-decay-bps", 1, 10_000), 7_000);
}

/**
 * The TaskParams the terms make: the join deadline counts from the chain's clock, the aggregator defaults to the
 * creator, the resolver to a development account on a local chain. Refuses (nothing sent) terms outside the
 * deployment's limits and a resolver the contract would refuse, naming the option to change.
 */
export async function taskTerms(ctx: ChainContext, opts: TaskTermsOptions): Promise<Omit<TaskParams, "kind" | "schemaId" | "modelRoot" | "rounds" | "minNodes" | "maxNodes">> {
  const creator = requireAccount(ctx).account.address;
  const aggregator = opts.aggregator ?? creator;
  const limits = await readTermLimits(ctx);
  const bounded: [string, number, number, number][] = [
    ["--join-window", opts.joinWindow, 1, limits.maxJoinPeriod],
    ["--round-duration", opts.roundDuration, limits.minWindow, limits.maxWindow],
    ["--reveal-duration", opts.revealDuration, limits.minWindow, limits.maxWindow],
    ["--aggregator-window", opts.aggregatorWindow, limits.minWindow, limits.maxWindow],
    ["--challenge-window", opts.challengeWindow, limits.minChallengeWindow, limits.maxChallengeWindow],
    ["--claim-period", opts.claimPeriod, limits.minClaimPeriod, limits.maxClaimPeriod],
  ];
  for (const [option, value, min, max] of bounded) {
    if (value < min || value > max) throw new TwoPmError(`${option} ${value} is outside this deployment's limits: ${min}–${max} s`);
  }
  const resolver = opts.resolver ?? (ctx.network.local ? LOCAL_RESOLVERS.find((r) => !isAddressEqual(r, creator) && !isAddressEqual(r, aggregator)) : undefined);
  if (!resolver) throw new TwoPmError("--resolver is required on this network: name who decides disputes about payouts (neither the creator nor the aggregator)");
  if (isAddressEqual(resolver, creator) || isAddressEqual(resolver, aggregator)) {
    throw new TwoPmError(`--resolver ${resolver} is the task's ${isAddressEqual(resolver, creator) ? "creator" : "aggregator"}: disputes need a third party`);
  }
  return {
    stake: opts.stake, rewardToken: ctx.deployments.rewardToken.address, budget: opts.budget,
    joinDeadline: (await chainTime(ctx)) + BigInt(opts.joinWindow), roundDuration: opts.roundDuration,
    revealDuration: opts.revealDuration, aggregatorWindow: opts.aggregatorWindow, challengeWindow: opts.challengeWindow,
    claimPeriod: opts.claimPeriod, aggregator, resolver, dataShareBps: opts.dataShareBps,
    computeDecayBps: opts.computeDecayBps, dataDecayBps: opts.dataDecayBps,
  };
}
