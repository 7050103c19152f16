// The terms every task is created with (budget, stake, deadlines, aggregator, reward constants): the options
// `task create` and `fhe task create` share, and the part of TaskParams they make.
import type { Command } from "commander";
import type { Address } from "viem";
import { requireAccount, type ChainContext } from "../../src/chain/client.ts";
import { chainTime, type TaskParams } from "../../src/chain/tasks.ts";
import { addressOption, intOption, tokenOption } from "./options.ts";

export type TaskTermsOptions = {
  budget: bigint; stake: bigint; joinWindow: number; roundDuration: number; revealDuration: number; aggregatorWindow: number;
  challengeWindow: number; aggregator?: Address; dataShareBps: number; computeDecayBps: number; dataDecayBps: number;
};

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
    .option("--challenge-window <s>", "seconds to dispute a settlement", intOption("--challenge-window", 0, 2 ** 32 - 1), 86_400)
    .option("--data-share-bps <bps>", text.dataShare, intOption("--data-share-bps", 0, 10_000), 3_000)
    .option("--compute-decay-bps <bps>", "compute weight decay per round", intOption("--compute-decay-bps", 1, 10_000), 9_500)
    .option("--data-decay-bps <bps>", "data weight decay per round", intOption("--data-decay-bps", 1, 10_000), 7_000);
}

/** The TaskParams the terms make: the join deadline counts from the chain's clock, the aggregator defaults to the creator. */
export async function taskTerms(ctx: ChainContext, opts: TaskTermsOptions): Promise<Omit<TaskParams, "kind" | "schemaId" | "modelRoot" | "rounds" | "minNodes" | "maxNodes">> {
  return {
    stake: opts.stake, rewardToken: ctx.deployments.rewardToken.address, budget: opts.budget,
    joinDeadline: (await chainTime(ctx)) + BigInt(opts.joinWindow), roundDuration: opts.roundDuration,
    revealDuration: opts.revealDuration, aggregatorWindow: opts.aggregatorWindow, challengeWindow: opts.challengeWindow,
    aggregator: opts.aggregator ?? requireAccount(ctx).account.address, dataShareBps: opts.dataShareBps,
    computeDecayBps: opts.computeDecayBps, dataDecayBps: opts.dataDecayBps,
  };
}
