import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { chainTime, readDpTerms, readRound, readTask } from "../../src/chain/index.ts";
import { TwoPmError } from "../../src/errors.ts";
import { dpCountsAttempt, dpEpsilon } from "../../src/fl/dp/accountant.ts";
import { dpTermsFromChain } from "../../src/fl/dp/terms.ts";
import { parseModelSpec } from "../../src/fl/modelSpec.ts";
import { datasetsPhrase } from "../../src/fl/runner/capacity.ts";
import { loadTaskSpec } from "../../src/fl/runner/chainView.ts";
import { createFlTask } from "../../src/fl/runner/createFlTask.ts";
import { readTaskHistory } from "../../src/fl/runner/taskHistory.ts";
import { action, output } from "../lib/cli.ts";
import { formatTokenAmount } from "../lib/amounts.ts";
import { accountOption, chainFor, storeFor } from "../lib/context.ts";
import { intOption, taskIdOption } from "../lib/options.ts";
import { taskTerms, taskTermsOptions, type TaskTermsOptions } from "../lib/taskTerms.ts";


/** `--schema`: a schema id on DatasetIndex, or a schema JSON file (looked up on chain by its hash). */
const schemaRef = (v: string): number | string => {
  if (/^[0-9]+$/.test(v)) return intOption("--schema", 1, Number.MAX_SAFE_INTEGER)(v);
  return v;
};

const when = (deadline: bigint, now: bigint) => {
  const d = Number(deadline - now);
  return `${new Date(Number(deadline) * 1000).toISOString().replace(".000Z", "Z")} (${d >= 0 ? `in ${d} s` : `${-d} s ago`})`;
};
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString("en-US");

type CreateOptions = TaskTermsOptions & { spec: string; schema: number | string; rounds: number; minNodes: number; maxNodes: number };

export default function register(program: Command): void {
  const task = program.command("task").description("training tasks (task creators)");
  accountOption(taskTermsOptions(
    task
      .command("create")
      .description("validate a model spec against a schema, store it and create a federated task (escrows the budget)")
      .addHelpText("after", `
Prints the spec's sample capacity: the most rows all members together may train on before the int32 sum of the
fixed-point updates could overflow. Refuses (nothing sent) a spec whose capacity cannot hold the rows of the
--max-nodes largest active datasets registered under the schema.`)
      .requiredOption("--spec <file>", "model spec JSON (2pm-model/1; see specs/)")
      .requiredOption("--schema <id|file>", "schema id on DatasetIndex, or the schema JSON file (registered first)", schemaRef)
      .requiredOption("--rounds <n>", "training rounds", intOption("--rounds", 1, 1000))
      .option("--min-nodes <n>", "fewest nodes to start", intOption("--min-nodes", 3, 65535), 3)
      .option("--max-nodes <n>", "nodes at which the task starts automatically", intOption("--max-nodes", 3, 65535), 3),
    "federated",
  )).action(action(async (opts: CreateOptions, cmd: Command) => {
    let raw: string;
    try {
      raw = await readFile(opts.spec, "utf8");
    } catch {
      throw new TwoPmError(`Cannot read the model spec ${opts.spec}.`);
    }
    const spec = parseModelSpec(raw);
    const ctx = await chainFor(cmd);
    const { taskId, modelRoot, transactionHash, schemaId, capacity } = await createFlTask(ctx, storeFor(cmd), {
      spec, schema: opts.schema, rounds: opts.rounds, minNodes: opts.minNodes, maxNodes: opts.maxNodes, terms: () => taskTerms(ctx, opts),
    });
    const sampleCapacity = { capacity: capacity.capacity, possibleRows: capacity.total, datasets: capacity.datasets.map((d) => d.datasetId) };
    output(cmd, { taskId, modelRoot, transactionHash, sampleCapacity }, () => [
      `created task ${taskId} (model spec ${modelRoot})`,
      `  sample capacity ${count(capacity.capacity)}: ` + (capacity.datasets.length
        ? `${datasetsPhrase(capacity.datasets.length, opts.maxNodes)} under schema ${schemaId} hold ${count(capacity.total)} rows`
        : `no active datasets under schema ${schemaId} yet`),
    ].join("\n"));
  }));

  task
    .command("show")
    .description("a task's status, parameters, members, rounds (attempts, submissions, reveals, metrics) and deadlines")
    .requiredOption("--task <id>", "task id", taskIdOption)
    .action(action(async (opts: { task: bigint }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      const view = await readTask(ctx, opts.task);
      const [now, history, dpTerms] = await Promise.all([chainTime(ctx), readTaskHistory(ctx, opts.task), readDpTerms(ctx, opts.task)]);
      const round = view.status === "Running" ? await readRound(ctx, opts.task, view.currentRound, view.params) : undefined;
      let model: string | undefined;
      try {
        const spec = await loadTaskSpec(storeFor(cmd), view.params.modelRoot);
        model = `${spec.model} on ${spec.features.length} features → ${spec.label}`;
      } catch {
        model = undefined;
      }
      const p = view.params;
      const deadlines = round
        ? [`  round ${round.round} attempt ${round.attempt} deadlines (chain time): submit ${when(round.submitDeadline, now)}, reveal ${when(round.revealDeadline, now)}, finalize ${when(round.finalizeDeadline, now)}`]
        : view.status === "Open" ? [`  join deadline (chain time) ${when(p.joinDeadline, now)}`] : [];
      // DP: ε from the terms on chain and the survivors (submissions) of every released sum: finalized attempts and
      // re-run ones the aggregator could have unmasked (dpCountsAttempt).
      const dp = dpTermsFromChain(dpTerms);
      const finalizedRounds = history.rounds.filter((r) => r.finalized);
      const released = history.rounds.flatMap((r) => r.attempts
        .filter((a) => dpCountsAttempt({ finalized: r.finalized?.attempt === a.attempt, restarted: a.restarted, submissions: a.submitted.length }))
        .map((a) => ({ round: r.round, survivors: a.submitted.length })));
      const eps = dp && dpEpsilon({ ...dp, minSurvivors: p.minNodes, survivors: released.map((s) => s.survivors) });
      const epsilonAfter = new Map(released.map((s, i) => [s.round, eps?.cumulative[i]]));
      const privacy = dp && eps && { ...dp, epsilon: eps.total, sums: released.map((s, i) => ({ ...s, epsilon: eps.perRound[i] })) };
      const slashedIn = new Map(history.slashes.map((s) => [s.node.toLowerCase(), s.round]));
      const roundLines = history.rounds.flatMap((r) => r.attempts.map((a) => {
        const f = r.finalized?.attempt === a.attempt ? r.finalized : undefined;
        const state = f
          ? `finalized: ${f.samples} samples; ${r.round === 1 ? "initial model" : `round ${r.round - 1} model`} on the nodes' held-out rows: loss ${f.loss.toFixed(4)}, accuracy ${pct(f.accuracy)}${dp ? `; ε ${epsilonAfter.get(r.round)!.toFixed(2)} so far` : ""}; model ${f.modelRoot}`
          : a.restarted ? "re-run" : view.status === "Running" && r.round === view.currentRound ? "open" : "not finalized";
        return `    round ${r.round} attempt ${a.attempt}: ${a.submitted.length}/${a.members} updates, ${a.revealed.length} reveals; ${state}`;
      }));
      output(cmd, { ...view, chainTime: now, round, model, rounds: history.rounds, slashes: history.slashes, privacy }, () => [
        `task ${view.taskId}: ${view.status}, ${p.kind === 0 ? "federated" : "FHE"}, round ${view.currentRound}/${p.rounds}${round ? ` (attempt ${round.attempt}: ${round.submissions}/${round.members} updates, ${round.reveals} reveals)` : ""}`,
        `  model ${p.modelRoot}${model ? ` (${model})` : ""}, schema ${p.schemaId}`,
        `  budget ${formatTokenAmount(p.budget)} TPM, stake ${formatTokenAmount(p.stake)} TPM, nodes ${p.minNodes}–${p.maxNodes}, aggregator ${p.aggregator}`,
        ...(privacy ? [`  differential privacy: noise multiplier ${privacy.noiseMultiplier}, δ ${privacy.delta}; ε ${privacy.epsilon.toFixed(2)} after ${finalizedRounds.length} round(s)`] : []),
        ...deadlines,
        `  members (${view.activeMembers} active):`,
        ...view.members.map((m) => `    ${m.node} dataset ${m.datasetId}${m.slashed ? ` (slashed for round ${slashedIn.get(m.node.toLowerCase()) ?? "?"})` : ""}`),
        ...(roundLines.length ? ["  rounds:", ...roundLines] : []),
      ].join("\n"));
    }));
}
