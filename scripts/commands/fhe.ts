// `2pm fhe`: parses, prints and calls the FHE task protocol (src/fhe/runner).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { Hex } from "viem";
import { FheTaskError, parseLinearModel } from "../../src/fhe/runner/fheTask.ts";
import { computeFheTask, createFheTask, publishFheResult, shareCommitteeResult, verifyFheResult, type ComputeFheEvent } from "../../src/fhe/runner/index.ts";
import { STAT_OPS as STAT_OPS_LIST } from "../../src/fhe/resultHeader.ts";
import { action, log, output, stagedProgress } from "../lib/cli.ts";
import { accountOption, chainFor, homeFor, storeFor } from "../lib/context.ts";
import { intOption, taskIdOption } from "../lib/options.ts";
import { taskTerms, taskTermsOptions, type TaskTermsOptions } from "../lib/taskTerms.ts";

const datasetIds = (v: string): bigint[] => {
  const parts = v.split(",").map((s) => s.trim());
  if (!parts.length || parts.some((p) => !/^[1-9][0-9]*$/.test(p))) throw new InvalidArgumentError("expected comma-separated positive dataset ids, e.g. 1,2");
  return parts.map(BigInt);
};
const opsList = (v: string): string[] => {
  const ops = v.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = ops.filter((op) => !(STAT_OPS_LIST as readonly string[]).includes(op));
  if (!ops.length || unknown.length) throw new InvalidArgumentError(`choose from ${STAT_OPS_LIST.join(",")}${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`);
  return ops;
};

type CreateOptions = TaskTermsOptions & { inputs: bigint[]; ops: string[]; model?: string; decimals: number };

async function readJsonFile(file: string, what: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await readFile(path.resolve(file), "utf8");
  } catch {
    throw new FheTaskError(`cannot read the ${what} ${file}`);
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new FheTaskError(`the ${what} ${file} is not JSON`);
  }
}

export default function register(program: Command): void {
  const fhe = program.command("fhe").description("FHE tasks: statistics and model scores computed on CKKS-encrypted datasets");
  const task = fhe.command("task").description("FHE tasks (task creators)");

  accountOption(taskTermsOptions(
    task
      .command("create")
      .description("check encrypted datasets, store the job spec and create an FHE task (escrows the budget)")
      .addHelpText("after", `
The inputs must be registered CKKS-encrypted datasets of one schema under one key (checked before any transaction).
One compute node joins (\`2pm fhe compute\`), the aggregator (the key holder) decrypts and publishes (\`2pm fhe publish\`).`)
      .requiredOption("--inputs <ids>", "input dataset ids, comma-separated", datasetIds)
      .requiredOption("--ops <list>", `what to compute: ${STAT_OPS_LIST.join(",")}`, opsList)
      .option("--model <file>", "plaintext linear model JSON { weights, bias } for scores (one weight per standardized column)")
      .option("--decimals <n>", "digits kept when the result is published (0–8)", intOption("--decimals", 0, 8), 6),
    "fhe",
  )).action(action(async (opts: CreateOptions, cmd: Command) => {
    const model = opts.model ? parseLinearModel(await readJsonFile(opts.model, "model file")) : undefined;
    const ctx = await chainFor(cmd);
    const created = await createFheTask(ctx, storeFor(cmd), {
      inputs: opts.inputs, ops: opts.ops, model, decimals: opts.decimals, terms: () => taskTerms(ctx, opts),
    });
    const { taskId, job, inputs, keyId, modelRoot } = created;
    output(cmd, created,
      () => `created FHE task ${taskId}: ${job.ops.join(", ")} on dataset${inputs.length > 1 ? "s" : ""} ${inputs.map((i) => i.datasetId).join(", ")} (key ${keyId}, job ${modelRoot})`);
  }));

  accountOption(
    fhe
      .command("compute")
      .description("the compute node: join an FHE task, compute on the ciphertexts with evaluation keys only, submit the encrypted result")
      .addHelpText("after", `
Needs only the evaluation keys (\`2pm keys export-eval\`), never the secret key; a committee's task takes them from
the committee's keys file (no --eval-keys). The inputs are fetched by their roots and checked (key, rows) before the
stake is sent. Rerun after a failure: a member that has not submitted resumes.
  2pm fhe compute --task 1 --eval-keys eval.keys -a 3    # single key
  2pm fhe compute --task 2 -a 3                          # under a committee`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--eval-keys <file>", "evaluation key bundle of the inputs' key (single-key tasks)"),
  ).action(action(async (opts: { task: bigint; evalKeys?: string }, cmd: Command) => {
    const bars = stagedProgress(cmd);
    const onEvent = (e: ComputeFheEvent) => {
      bars.stop();
      log(cmd, e.type === "joined"
        ? `joined FHE task ${e.taskId} as its compute node (tx ${e.transactionHash})`
        : `computing ${e.ops.join(", ")} on ${e.rows} encrypted rows of ${e.datasets} dataset(s)${e.committeeId ? ` under committee ${e.committeeId}'s keys` : ""}`);
    };
    const r = await computeFheTask(await chainFor(cmd), storeFor(cmd), { taskId: opts.task, evalKeysFile: opts.evalKeys, onEvent, onProgress: bars.onProgress })
      .finally(bars.stop);
    output(cmd, { taskId: r.taskId, resultRoot: r.resultRoot, bytes: r.bytes, rows: r.rows, seconds: r.seconds, transactionHash: r.transactionHash },
      () => `computed ${r.ops.join(", ")} on ${r.rows} rows in ${r.seconds.toFixed(1)} s; submitted encrypted result ${r.resultRoot} (${r.bytes} bytes)`);
  }));

  accountOption(
    fhe
      .command("publish")
      .description("the key holder / aggregator: decrypt an FHE task's result (under a committee: combine the members' posted shares), round it, store it and finalize the task")
      .addHelpText("after", `
Under a committee the aggregator holds no key: it needs every member's posted share (\`2pm fhe share\`); a missing
or declined one is named, with the time members can post until. The publication records the committee and every
share's root: anyone checks it with \`2pm fhe verify --task <id>\`.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--key <keyId|dir>", "key id in <home>/keys, or a key directory (default: the task's key in <home>/keys)"),
  ).action(action(async (opts: { task: bigint; key?: string }, cmd: Command) => {
    const bars = stagedProgress(cmd);
    const result = await publishFheResult(await chainFor(cmd), storeFor(cmd), {
      taskId: opts.task, keysDir: path.join(homeFor(cmd), "keys"), key: opts.key, onProgress: bars.onProgress,
    }).finally(bars.stop);
    output(cmd, result, () => {
      const fmt = (xs?: number[]) => (xs ? result.columns.map((c, i) => `${c}=${xs[i]}`).join(", ") : "");
      return [
        `FHE task ${opts.task}: ${result.rows} rows, published ${result.publishedRoot}${"committee" in result ? ` (decrypted by committee ${result.committee.committeeId}: ${result.committee.shares.length} shares)` : ""}`,
        ...(result.sums ? [`  sums: ${fmt(result.sums)}`] : []),
        ...(result.means ? [`  means: ${fmt(result.means)}`] : []),
        ...(result.variances ? [`  variances: ${fmt(result.variances)}`] : []),
        ...(result.scores ? [`  scores: ${result.scores.length} rows × ${result.scores[0]?.length ?? 0} (first: ${result.scores[0]?.join(", ")})`] : []),
      ].join("\n");
    });
  }));

  accountOption(
    fhe
      .command("share")
      .description("a committee member: check an FHE task's result, then post your decryption share (or decline, with a reason)")
      .addHelpText("after", `
The member recomputes the result from the task's inputs and shares only if the compute node's result is exactly
that computation; it declines row-level outputs ("scores": one value per contributed row) unless
--allow-row-level, and a result over several inputs that keeps one sum per input instead of pooled sums (reason
per-dataset: the public shares would reveal each contributor's aggregate). A decline is posted with a stored JSON reason (the member is not slashable, the task cannot be
finalized). Post by the result's reveal deadline, or be slashable. Each ciphertext is shared at most once.
  2pm fhe share --task 2 -a 5`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--allow-row-level", "also share row-level outputs (scores)"),
  ).action(action(async (opts: { task: bigint; allowRowLevel?: boolean }, cmd: Command) => {
    const bars = stagedProgress(cmd);
    const r = await shareCommitteeResult(await chainFor(cmd), storeFor(cmd), {
      taskId: opts.task, home: homeFor(cmd), allowRowLevel: opts.allowRowLevel, onProgress: bars.onProgress,
    }).finally(bars.stop);
    output(cmd, r, () => r.declined
      ? `declined to share FHE task ${r.taskId}'s result (${r.reason}: ${r.message}); reason stored as ${r.root}`
      : `posted member ${r.member}'s decryption share of FHE task ${r.taskId}'s result: ${r.root}`);
  }));

  fhe
    .command("verify")
    .description("anyone: re-derive a committee task's publication from the posted shares and compare it with the finalized one")
    .addHelpText("after", `
Prints "OK <root>" when the published values are exactly what the posted shares give; else exits 1 naming what differs.
  2pm fhe verify --task 2
  2pm fhe verify --task 2 --publication 0x…    # a publication someone shows you, instead of the finalized one`)
    .requiredOption("--task <id>", "task id", taskIdOption)
    .option("--publication <root>", "the storage root of a publication to check (default: the finalized one)")
    .action(action(async (opts: { task: bigint; publication?: string }, cmd: Command) => {
      if (opts.publication !== undefined && !/^0x[0-9a-f]{64}$/.test(opts.publication)) throw new FheTaskError(`'${opts.publication}' is not a storage root (0x + 64 lowercase hex digits)`);
      const r = await verifyFheResult(await chainFor(cmd), storeFor(cmd), { taskId: opts.task, publishedRoot: opts.publication as Hex | undefined });
      if (!r.ok) throw new FheTaskError(`the publication ${r.publishedRoot} of FHE task ${opts.task} is not what the posted shares give: ${r.differences.join("; ")}`);
      output(cmd, { taskId: r.taskId, publishedRoot: r.publishedRoot, ok: r.ok }, () => `OK ${r.publishedRoot}`);
    }));
}
