import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { ChainContext } from "../../src/chain/client.ts";
import { chainTime } from "../../src/chain/chainTime.ts";
import { createTask } from "../../src/chain/tasks/createTask.ts";
import { readRound } from "../../src/chain/tasks/readRound.ts";
import { readTask } from "../../src/chain/tasks/readTask.ts";
import type { TaskParams } from "../../src/chain/tasks/readTaskParams.ts";
import { featureFieldsOf, labelFieldOf, loadSchema, schemaHash, type Schema } from "../../src/data/schema.ts";
import { standardizedColumns } from "../../src/data/standardize.ts";
import { TwoPmError } from "../../src/errors.ts";
import { parseModelSpec, serializeModelSpec } from "../../src/fl/modelSpec.ts";
import { checkTaskCapacity, datasetsPhrase } from "../../src/fl/runner/capacity.ts";
import { loadChainSchema, loadTaskSpec } from "../../src/fl/runner/chainView.ts";
import { readTaskHistory } from "../../src/fl/runner/taskHistory.ts";
import type { ContentStore } from "../../src/storage/types.ts";
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

/** The task's schema and its id: by id (fetched through its 0g:// registration URI) or from a file (by hash). */
async function resolveSchema(ctx: ChainContext, store: ContentStore, ref: number | string): Promise<{ schemaId: number; schema: Schema }> {
  if (typeof ref === "number") return { schemaId: ref, schema: await loadChainSchema(ctx, store, BigInt(ref)) };
  const schema = await loadSchema(ref);
  const hash = schemaHash(schema);
  const id = await ctx.contracts.datasetIndex.read.schemaIdOf([hash]);
  if (id === 0n) throw new TwoPmError(`Schema ${ref} (${hash}) is not registered on ${ctx.network.name}: run \`2pm schema register ${ref}\` first.`);
  return { schemaId: Number(id), schema };
}

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
    if (opts.minNodes > opts.maxNodes) throw new TwoPmError(`--min-nodes ${opts.minNodes} exceeds --max-nodes ${opts.maxNodes}.`);
    let raw: string;
    try {
      raw = await readFile(opts.spec, "utf8");
    } catch {
      throw new TwoPmError(`Cannot read the model spec ${opts.spec}.`);
    }
    const spec = parseModelSpec(raw);
    const ctx = await chainFor(cmd);
    const store = storeFor(cmd);
    const { schemaId, schema } = await resolveSchema(ctx, store, opts.schema);
    const hash = schemaHash(schema);
    if (spec.schemaHash !== hash)
      throw new TwoPmError(`The spec's schemaHash ${spec.schemaHash} is not schema ${schemaId}'s (${hash}).`);
    const label = labelFieldOf(schema);
    if (!label || label.name !== spec.label) throw new TwoPmError(`The spec's label '${spec.label}' is not the schema's label field '${label?.name}'.`);
    if (label.categories.join("\u0000") !== spec.classes.join("\u0000"))
      throw new TwoPmError(`The spec's classes [${spec.classes.join(", ")}] must be the label categories [${label.categories.join(", ")}] in order.`);
    const columns = schemaColumns(schema);
    const unknown = spec.features.filter((f) => !columns.includes(f));
    if (unknown.length) throw new TwoPmError(`Features not among schema ${schemaId}'s standardized columns: ${unknown.join(", ")} (columns: ${columns.join(", ")}).`);
    const capacity = await checkTaskCapacity(ctx, { spec, schemaId: BigInt(schemaId), maxNodes: opts.maxNodes });
    const modelRoot = await store.put(serializeModelSpec(spec));
    const params: TaskParams = {
      kind: 0, schemaId, modelRoot, rounds: opts.rounds, minNodes: opts.minNodes, maxNodes: opts.maxNodes, ...(await taskTerms(ctx, opts)),
    };
    const { taskId, transactionHash } = await createTask(ctx, params);
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
      const [now, history] = await Promise.all([chainTime(ctx), readTaskHistory(ctx, opts.task)]);
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
      const slashedIn = new Map(history.slashes.map((s) => [s.node.toLowerCase(), s.round]));
      const roundLines = history.rounds.flatMap((r) => r.attempts.map((a) => {
        const f = r.finalized?.attempt === a.attempt ? r.finalized : undefined;
        const state = f
          ? `finalized: ${f.samples} samples, loss ${f.loss.toFixed(4)}, accuracy ${pct(f.accuracy)}, model ${f.modelRoot}`
          : a.restarted ? "re-run" : view.status === "Running" && r.round === view.currentRound ? "open" : "not finalized";
        return `    round ${r.round} attempt ${a.attempt}: ${a.submitted.length}/${a.members} updates, ${a.revealed.length} reveals; ${state}`;
      }));
      output(cmd, { ...view, chainTime: now, round, model, rounds: history.rounds, slashes: history.slashes }, () => [
        `task ${view.taskId}: ${view.status}, ${p.kind === 0 ? "federated" : "FHE"}, round ${view.currentRound}/${p.rounds}${round ? ` (attempt ${round.attempt}: ${round.submissions}/${round.members} updates, ${round.reveals} reveals)` : ""}`,
        `  model ${p.modelRoot}${model ? ` (${model})` : ""}, schema ${p.schemaId}`,
        `  budget ${formatTokenAmount(p.budget)} TPM, stake ${formatTokenAmount(p.stake)} TPM, nodes ${p.minNodes}–${p.maxNodes}, aggregator ${p.aggregator}`,
        ...deadlines,
        `  members (${view.activeMembers} active):`,
        ...view.members.map((m) => `    ${m.node} dataset ${m.datasetId}${m.slashed ? ` (slashed for round ${slashedIn.get(m.node.toLowerCase()) ?? "?"})` : ""}`),
        ...(roundLines.length ? ["  rounds:", ...roundLines] : []),
      ].join("\n"));
    }));
}

/** The standardized column names of a schema (they depend on the schema only): numbers, then one-hot categories. */
function schemaColumns(schema: Schema): string[] {
  return standardizedColumns({
    fields: featureFieldsOf(schema).map((f) =>
      f.type === "number" ? { type: "number" as const, name: f.name, mean: 0, std: 1 } : { type: "category" as const, name: f.name, categories: [...f.categories], mode: f.categories[0] },
    ),
    label: null,
  });
}
