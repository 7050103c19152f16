import type { Command } from "commander";
import { withdrawStake } from "../../src/rewards/index.ts";
import { action, output } from "../lib/cli.ts";
import { formatTokenAmount } from "../lib/amounts.ts";
import { accountOption, chainFor } from "../lib/context.ts";
import { taskIdOption } from "../lib/options.ts";

export default function register(program: Command): void {
  const stake = program.command("stake").description("node operators' stakes in tasks");
  accountOption(
    stake
      .command("withdraw")
      .description("take your stake back from a task")
      .addHelpText("after", `
When: by a member that was not slashed, once the task is settled (also while its settlement is disputed), cancelled
or abandoned; once per task. A slashed stake went to the reward pool.`)
      .requiredOption("--task <id>", "task id", taskIdOption),
  ).action(action(async (opts: { task: bigint }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const result = await withdrawStake(ctx, opts.task);
    output(cmd, { taskId: opts.task, ...result }, () => `withdrew a stake of ${formatTokenAmount(result.amount)} TPM from task ${opts.task}`);
  }));
}
