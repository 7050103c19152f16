import type { Command } from "commander";
import { runAggregator, type AggregatorEvent } from "../../src/fl/runner/runAggregator.ts";
import { abortOnSigint, action, eventPrinter } from "../lib/cli.ts";
import { accountOption, chainFor, storeFor } from "../lib/context.ts";
import { taskIdOption } from "../lib/options.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** The global model a round's figures belong to: the one that entered it. */
const modelName = (round: number) => (round === 0 ? "initial model" : `round ${round} model`);
const excludedText = (ex: { node: string; reason: string }[]) => ex.map((e) => `excluded ${e.node}: ${e.reason}`).join("; ");
const droppedText = (dropped: string[]) => (dropped.length ? `; dropped and slashed (missed the round): ${dropped.join(", ")}` : "");

function describe(e: AggregatorEvent): string | null {
  switch (e.type) {
    case "waiting": return null;
    case "finalized":
      return `round ${e.round} attempt ${e.attempt}: ${e.submissions} submissions, ${e.samples} samples; ${modelName(e.evaluatedModel)} on ${e.rows} held-out rows: loss ${e.loss.toFixed(4)}, accuracy ${pct(e.accuracy)} (local models ${pct(e.localAccuracy)}); model ${e.modelRoot}${e.excluded.length ? `; ${excludedText(e.excluded)}` : ""}${droppedText(e.dropped)}`;
    case "rerun":
      return `round ${e.round} attempt ${e.attempt}: ${e.submissions} submissions, not finalizable (${e.reason})${e.excluded.length ? `; ${excludedText(e.excluded)}` : ""}; re-running after the reveal deadline`;
    case "restarted": return `round ${e.round}: restarted as attempt ${e.attempt}${droppedText(e.dropped)}`;
    case "warning": return `warning: ${e.message}`;
    case "finished": return `task is ${e.status}: aggregator done`;
  }
}

export default function register(program: Command): void {
  accountOption(
    program
      .command("aggregate")
      .description("aggregator: follow a federated task, unmask and average each round, finalize it on chain")
      .addHelpText("after", `
Run it with the task's aggregator account. Each round is finalized as soon as the contract allows (every member
submitted, or after the submit deadline with every submitter's seed reveal); members without an update are dropped
(their stake slashed into the reward pool) by the same transaction, so no later round waits for them. A round with
an unusable update or missing reveals is re-run with fresh seeds after its reveal deadline, dropping who missed it.
Exits when the task is finished.`)
      .requiredOption("--task <id>", "task id", taskIdOption),
  ).action(action(async (opts: { task: bigint }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    await runAggregator(ctx, {
      store: storeFor(cmd), taskId: opts.task, signal: abortOnSigint(),
      onEvent: eventPrinter(cmd, describe, (e) => e.type === "warning"),
    });
  }));
}
