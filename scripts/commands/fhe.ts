import { readFile } from "node:fs/promises";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { zeroHash, type Hex } from "viem";
import { requireAccount } from "../../src/chain/client.ts";
import {
  FHE_RESULT_FORMAT,
  FheTaskError,
  fetchFheCiphertexts,
  fheJob,
  parseLinearModel,
  readFheTask,
  resolveFheInputs,
  type FheJob,
  type FheResult,
} from "../../src/fhe/runner/fheTask.ts";
import { readUpdates } from "../../src/chain/events/readRoundEvents.ts";
import { createTask } from "../../src/chain/tasks/createTask.ts";
import { joinTask } from "../../src/chain/tasks/joinTask.ts";
import { readRound } from "../../src/chain/tasks/readRound.ts";
import type { TaskParams } from "../../src/chain/tasks/readTaskParams.ts";
import { taskWrite } from "../../src/chain/tasks/taskWrite.ts";
import { parseManifest } from "../../src/data/manifest.ts";
import { computeStats, createFheContext, decryptResult, importEvaluationKeys, loadKeys, roundForPublication } from "../../src/fhe/index.ts";
import { STAT_OPS as STAT_OPS_LIST } from "../../src/fhe/resultHeader.ts";
import { getJson, putJson } from "../../src/storage/json.ts";
import { action, log, output, progress } from "../lib/cli.ts";
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
const keyIdPattern = /^0x[0-9a-f]{64}$/;

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

/** Weights per output of a job's model (one per standardized column). */
const modelWidth = (model: NonNullable<FheJob["model"]>): number =>
  Array.isArray(model.weights[0]) ? (model.weights[0] as number[]).length : model.weights.length;

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
    if (model && !opts.ops.includes("scores")) throw new FheTaskError("--model is only used with --ops scores");
    const job = fheJob({ ops: opts.ops, model, decimals: opts.decimals });
    const ctx = await chainFor(cmd);
    requireAccount(ctx); // an account to create with, before any reads
    const store = storeFor(cmd);
    const { inputs, keyId, schemaId } = await resolveFheInputs(ctx, opts.inputs);
    if (job.model) {
      // The standardized columns are in every input's manifest: refuse a model of the wrong width now, not at compute.
      const manifest = await getJson(store, inputs[0].manifestRoot).then(parseManifest).catch(() => undefined);
      if (manifest && modelWidth(job.model) !== manifest.columns.length)
        throw new FheTaskError(`the model has ${modelWidth(job.model)} weights per output but the inputs have ${manifest.columns.length} standardized columns (${manifest.columns.join(", ")})`);
    }
    const modelRoot = await putJson(store, job);
    const params: TaskParams = { kind: 1, schemaId, modelRoot, rounds: 1, minNodes: 1, maxNodes: 1, ...(await taskTerms(ctx, opts)) };
    const { taskId, transactionHash } = await createTask(ctx, params, { inputs, keyId });
    output(cmd, { taskId, modelRoot, keyId, schemaId, inputs, job, transactionHash },
      () => `created FHE task ${taskId}: ${job.ops.join(", ")} on dataset${inputs.length > 1 ? "s" : ""} ${inputs.map((i) => i.datasetId).join(", ")} (key ${keyId}, job ${modelRoot})`);
  }));

  accountOption(
    fhe
      .command("compute")
      .description("the compute node: join an FHE task, compute on the ciphertexts with evaluation keys only, submit the encrypted result")
      .addHelpText("after", `
Needs only the evaluation keys (\`2pm keys export-eval\`), never the secret key. The inputs are fetched by their roots
and checked (key, rows) before the stake is sent. Rerun after a failure: a member that has not submitted resumes.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .requiredOption("--eval-keys <file>", "evaluation key bundle of the inputs' key"),
  ).action(action(async (opts: { task: bigint; evalKeys: string }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const { account } = requireAccount(ctx);
    const store = storeFor(cmd);
    const { task, job, keyId, datasets } = await readFheTask(ctx, store, opts.task);
    const member = task.members.find((m) => m.node.toLowerCase() === account.address.toLowerCase());
    if (!member && task.status !== "Open") throw new FheTaskError(`FHE task ${opts.task} is ${task.status}: it no longer takes a compute node`);
    if (member && task.status !== "Running") throw new FheTaskError(`FHE task ${opts.task} is ${task.status}: nothing to compute`);
    if (member && (await readUpdates(ctx, opts.task, 1, (await readRound(ctx, opts.task, 1, task.params)).attempt)).some((u) => u.node.toLowerCase() === account.address.toLowerCase()))
      throw new FheTaskError(`you already submitted the result of FHE task ${opts.task}`);
    let bundle: Uint8Array;
    try {
      bundle = new Uint8Array(await readFile(path.resolve(opts.evalKeys)));
    } catch {
      throw new FheTaskError(`cannot read the evaluation keys ${opts.evalKeys}`);
    }
    const fheCtx = await createFheContext();
    try {
      const evalKeys = importEvaluationKeys(fheCtx, bundle);
      if (evalKeys.keyId !== keyId.toLowerCase()) throw new FheTaskError(`the evaluation keys are for key ${evalKeys.keyId}, FHE task ${opts.task} needs ${keyId}`);
      const fetchBar = progress(cmd, "fetch", datasets.length);
      const ciphertexts = await fetchFheCiphertexts(store, datasets, keyId, (done) => fetchBar.update(done));
      fetchBar.stop();
      const rows = ciphertexts.reduce((n, c) => n + c.header.rows, 0);
      if (!member) {
        const receipt = await joinTask(ctx, opts.task, 0n, zeroHash);
        log(cmd, `joined FHE task ${opts.task} as its compute node (tx ${receipt.transactionHash})`);
      }
      log(cmd, `computing ${job.ops.join(", ")} on ${rows} encrypted rows of ${ciphertexts.length} dataset(s)`);
      const started = performance.now();
      let bar: ReturnType<typeof progress> | undefined;
      const fher = await computeStats(fheCtx, ciphertexts.map((c) => c.bytes), evalKeys, { ops: job.ops, model: job.model },
        (done, total) => { bar ??= progress(cmd, "compute", total); bar.update(done); });
      bar?.stop();
      const seconds = (performance.now() - started) / 1000;
      const resultRoot = await store.put(fher);
      const receipt = await taskWrite(ctx, "submitUpdate", [opts.task, 1, resultRoot, BigInt(rows)], `submit the result of FHE task ${opts.task}`);
      output(cmd, { taskId: opts.task, resultRoot, bytes: fher.length, rows, seconds, transactionHash: receipt.transactionHash },
        () => `computed ${job.ops.join(", ")} on ${rows} rows in ${seconds.toFixed(1)} s; submitted encrypted result ${resultRoot} (${fher.length} bytes)`);
    } finally {
      fheCtx.dispose();
    }
  }));

  accountOption(
    fhe
      .command("publish")
      .description("the key holder / aggregator: decrypt an FHE task's result, round it, store it and finalize the task")
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--key <keyId|dir>", "key id in <home>/keys, or a key directory (default: the task's key in <home>/keys)"),
  ).action(action(async (opts: { task: bigint; key?: string }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const { account } = requireAccount(ctx);
    const store = storeFor(cmd);
    const { task, job, keyId } = await readFheTask(ctx, store, opts.task);
    if (task.params.aggregator.toLowerCase() !== account.address.toLowerCase())
      throw new FheTaskError(`only the aggregator ${task.params.aggregator} can publish FHE task ${opts.task}'s result`);
    if (task.status !== "Running") throw new FheTaskError(`FHE task ${opts.task} is ${task.status}: ${task.status === "Open" ? "no compute node has joined yet" : "nothing to publish"}`);
    const round = await readRound(ctx, opts.task, 1, task.params);
    const [update] = await readUpdates(ctx, opts.task, 1, round.attempt);
    if (!update) throw new FheTaskError(`the compute node has not submitted FHE task ${opts.task}'s result yet`);
    const keys = await loadSecret(homeFor(cmd), opts.key, keyId as Hex);
    const fher = await store.get(update.updateRoot);
    const fheCtx = await createFheContext();
    let result: FheResult;
    try {
      let bar: ReturnType<typeof progress> | undefined;
      const raw = await decryptResult(fheCtx, fher, keys, (done, total) => { bar ??= progress(cmd, "decrypt", total); bar.update(done); });
      bar?.stop();
      const round6 = (values: ArrayLike<number> | undefined) => (values ? roundForPublication(values, job.decimals) : undefined);
      const scores = raw.scores
        ? Array.from({ length: raw.scores.rows }, (_, r) => roundForPublication(raw.scores!.data.subarray(r * raw.scores!.cols, (r + 1) * raw.scores!.cols), job.decimals))
        : undefined;
      result = {
        format: FHE_RESULT_FORMAT, taskId: opts.task.toString(), keyId, resultRoot: update.updateRoot, columns: raw.columns, rows: raw.rows,
        decimals: job.decimals, ops: job.ops,
        ...(raw.sums && { sums: round6(raw.sums) }), ...(raw.means && { means: round6(raw.means) }),
        ...(raw.variances && { variances: round6(raw.variances) }), ...(scores && { scores }),
      };
    } finally {
      fheCtx.dispose();
    }
    const publishedRoot = await putJson(store, result);
    const receipt = await taskWrite(ctx, "finalizeRound", [opts.task, 1, publishedRoot, 0, 0, []], `finalize FHE task ${opts.task}`);
    output(cmd, { ...result, publishedRoot, transactionHash: receipt.transactionHash }, () => {
      const fmt = (xs?: number[]) => (xs ? result.columns.map((c, i) => `${c}=${xs[i]}`).join(", ") : "");
      return [
        `FHE task ${opts.task}: ${result.rows} rows, published ${publishedRoot}`,
        ...(result.sums ? [`  sums: ${fmt(result.sums)}`] : []),
        ...(result.means ? [`  means: ${fmt(result.means)}`] : []),
        ...(result.variances ? [`  variances: ${fmt(result.variances)}`] : []),
        ...(result.scores ? [`  scores: ${result.scores.length} rows × ${result.scores[0]?.length ?? 0} (first: ${result.scores[0]?.join(", ")})`] : []),
      ].join("\n");
    });
  }));
}

/** The secret key of `keyId`: from <home>/keys, another keys directory, or a key directory given by --key. */
async function loadSecret(home: string, key: string | undefined, keyId: Hex) {
  const wanted = keyId.toLowerCase() as Hex;
  if (key !== undefined && keyIdPattern.test(key)) {
    if (key !== wanted) throw new FheTaskError(`FHE task's inputs are under key ${wanted}, not ${key}`);
    return loadKeys(path.join(home, "keys"), wanted, ["secret"]);
  }
  if (key === undefined) return loadKeys(path.join(home, "keys"), wanted, ["secret"]);
  const dir = path.resolve(key);
  // A key directory (<keys>/<keyId>) or a keys directory holding <keyId>/.
  return path.basename(dir) === wanted ? loadKeys(path.dirname(dir), wanted, ["secret"]) : loadKeys(dir, wanted, ["secret"]);
}
