import type { Command } from "commander";
import { requireAccount } from "../../src/chain/client.ts";
import { prepareNode } from "../../src/fl/runner/prepareNode.ts";
import { runNode, type NodeEvent } from "../../src/fl/runner/runNode.ts";
import { abortOnSigint, action, eventPrinter } from "../lib/cli.ts";
import { accountOption, chainFor, homeFor, storeFor } from "../lib/context.ts";
import { datasetIdOption, taskIdOption } from "../lib/options.ts";

const pct = (x: number | undefined) => (x === undefined ? "–" : `${(100 * x).toFixed(1)}%`);

/** One human line per event that matters to an operator (null: say nothing). */
function describe(e: NodeEvent): string | null {
  switch (e.type) {
    case "key": return e.created ? `created secure-aggregation key ${e.path}` : null;
    case "joined": return `joined task ${e.taskId} with dataset ${e.datasetId} (tx ${e.transactionHash})`;
    case "resumed": return `resuming task ${e.taskId} (round ${e.round})`;
    case "waiting": return null;
    case "submitted":
      return `round ${e.round} attempt ${e.attempt}: received model ${pct(e.global.accuracy)} on ${e.global.rows} local held-out rows; ` +
        `trained on ${e.samples} rows, loss ${e.loss.toFixed(4)}, accuracy ${pct(e.accuracy)}` +
        (e.valAccuracy === undefined ? "" : `, validation loss ${e.valLoss?.toFixed(4) ?? "–"} accuracy ${pct(e.valAccuracy)}`) + `; submitted ${e.updateRoot}`;
    case "revealed": return `round ${e.round} attempt ${e.attempt}: revealed seeds toward ${e.toward.join(", ")} (${e.revealRoot})`;
    case "missed": return `round ${e.round} attempt ${e.attempt}: missed (${e.reason})`;
    case "warning": return `warning: ${e.message}`;
    case "finished": return `task is ${e.status}: node done`;
  }
}

export default function register(program: Command): void {
  const node = program.command("node").description("node operators: train on private data in federated tasks");
  accountOption(
    node
      .command("run")
      .description("join a federated task with your dataset and follow it to the end (train, mask, submit, reveal)")
      .addHelpText("after", `
Checks the data against the task's schema and the dataset's manifest before staking (nothing is sent when it does
not match). The secure-aggregation key and progress live in <home>/node/<task>/<address>/; rerun the same command
to resume after a crash. Exits when the task is finished, settled, cancelled or abandoned.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .requiredOption("--data <file>", "your local data (CSV or JSON rows of the task's schema)")
      .requiredOption("--dataset <id>", "your registered dataset id (its manifest holds the standardization)", datasetIdOption),
  ).action(action(async (opts: { task: bigint; data: string; dataset: bigint }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const { account } = requireAccount(ctx);
    const store = storeFor(cmd);
    const prepared = await prepareNode(ctx, { store, taskId: opts.task, datasetId: opts.dataset, dataPath: opts.data, account: account.address });
    await runNode(ctx, {
      store, taskId: opts.task, datasetId: opts.dataset, home: homeFor(cmd), spec: prepared.spec, table: prepared.table,
      signal: abortOnSigint(),
      onEvent: eventPrinter(cmd, describe, (e) => e.type === "warning" || e.type === "key"),
    });
  }));
}
