// `2pm data`: parses, prints and calls the data owner's pipeline (src/data) and publishing protocol (src/data/publish).
import path from "node:path";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Hex } from "viem";
import { readDataset } from "../../src/chain/index.ts";
import { writeFileAtomic, writePrivateFile } from "../../src/storage/index.ts";
import { prepareDataset, splitBy, loadRows, standardizedCsv, writeStandardizedCsv, type PreparedDataset } from "../../src/data/index.ts";
import { deriveColumns, loadDerivations, parseDerivation, parseExpression, rowsCsv, splitByExpression, type Derivation } from "../../src/data/derive/index.ts";
import { encryptDataset, publishDataset, publishDatasetVersion, retireOwnDataset, type StoreDatasetParameters } from "../../src/data/publish/index.ts";
import { createFheContext, decryptTable, loadKeys } from "../../src/fhe/index.ts";
import { action, output, stagedProgress } from "../lib/cli.ts";
import { accountOption, chainFor, homeFor, storeFor } from "../lib/context.ts";
import { datasetIdOption } from "../lib/options.ts";

function keyIdOf(value: string): Hex {
  if (!/^0x[0-9a-f]{64}$/.test(value)) throw new Error(`'${value}' is not a key id (0x + 64 lowercase hex digits; see \`2pm keys new\`)`);
  return value as Hex;
}

/** The dropped-rows note of a command's line: " (11 of 344 rows dropped by the schema's missing policy; missing: Sex 9, …)". */
function droppedNote(p: PreparedDataset): string {
  if (p.dropped.rows === 0) return "";
  const fields = Object.entries(p.dropped.byField).map(([field, n]) => `${field} ${n}`).join(", ");
  return ` (${p.dropped.rows} of ${p.rowsRead} rows dropped by the schema's missing policy; missing: ${fields})`;
}

/** What --json results say about the rows: read, kept, dropped (by field). */
const rowCounts = (p: PreparedDataset) => ({ rowsRead: p.rowsRead, rowsDropped: p.dropped.rows, droppedBy: p.dropped.byField });

type StoreOptions = { schema: string; data: string; encrypt?: boolean; key?: string; committee?: string; local?: boolean; histogram: boolean; stats?: string };

/** The publishing parameters of register/update's options (the flag combinations checked here, by name). */
function storeParameters(cmd: Command, opts: StoreOptions, onProgress: StoreDatasetParameters["onProgress"]): Omit<StoreDatasetParameters, "schemaId" | "check"> {
  if (opts.encrypt && opts.local) throw new Error("--encrypt and --local exclude each other");
  if (opts.encrypt && !opts.key && !opts.committee) throw new Error("--encrypt needs --key <keyId> (create one with `2pm keys new`) or --committee <id>");
  if (opts.key && opts.committee) throw new Error("--key and --committee exclude each other: your own key, or a committee's");
  if (!opts.encrypt && (opts.key || opts.committee)) throw new Error(`${opts.key ? "--key" : "--committee"} needs --encrypt`);
  if (opts.committee && !/^[1-9][0-9]*$/.test(opts.committee)) throw new Error(`'${opts.committee}' is not a committee id (a positive integer; see \`2pm committee show\`)`);
  return {
    home: homeFor(cmd), schemaFile: opts.schema, dataFile: opts.data, statsFile: opts.stats,
    keyId: opts.encrypt && opts.key ? keyIdOf(opts.key) : undefined, committeeId: opts.committee ? BigInt(opts.committee) : undefined,
    local: opts.local, histogram: opts.histogram, onProgress,
  };
}

export default function register(program: Command): void {
  const data = program.command("data").description("a data owner's datasets: standardize, encrypt (CKKS), decrypt");
  standardizeCommand(data);
  deriveCommand(data);
  splitCommand(data);
  encryptCommand(data);
  decryptCommand(data);
  registerCommand(data);
  updateCommand(data);
  retireCommand(data);
}

/** The options `data register` and `data update` share. */
const storeOptions = (cmd: Command) => cmd
  .requiredOption("--schema <file>", "schema JSON (registered first with `2pm schema register`)")
  .requiredOption("--data <file>", "rows (.csv or .json)")
  .option("--encrypt", "encrypt with CKKS before storing (needs --key or --committee)")
  .option("--key <keyId>", "key id from `2pm keys new`")
  .option("--committee <id>", "encrypt under an Active committee's collective key (with x² columns): only all its members together can decrypt")
  .option("--local", "FL mode: keep the standardized data on disk, store only the manifest")
  .option("--no-histogram", "omit the label histogram from the manifest")
  .option("--stats <file>", "standardize with these stats (from `data standardize --stats`) instead of fitting them");

/** `2pm data standardize`. */
function standardizeCommand(data: Command): void {
  data.command("standardize").description("validate rows against a schema, fit the standardizer and write the standardized CSV")
    .requiredOption("--schema <file>", "schema JSON")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .requiredOption("--out <file>", "standardized CSV")
    .option("--stats <file>", "also write the fitted standardization stats as JSON")
    .action(action(async (opts: { schema: string; data: string; out: string; stats?: string }, cmd: Command) => {
      const prepared = await prepareDataset({ schemaFile: opts.schema, dataFile: opts.data });
      const { stats, table } = prepared;
      const out = path.resolve(opts.out);
      await writeStandardizedCsv(out, table);
      if (opts.stats) await writeFileAtomic(path.resolve(opts.stats), new TextEncoder().encode(JSON.stringify(stats, null, 2) + "\n"));
      output(cmd, { out, rows: table.features.rows, ...rowCounts(prepared), columns: table.columns, classes: table.classes, standardization: stats },
        () => `${table.features.rows} rows × ${table.columns.length} columns written to ${out}${droppedNote(prepared)}`);
    }));
}

/** `2pm data derive`. */
function deriveCommand(data: Command): void {
  data.command("derive").description("add columns computed from each row (season(date), delay>15, bucket(x, [edges]), map(x, {a: b})…) and write a CSV")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .option("--column <name=expression>", "a derived column, e.g. 'late=delay>15' (repeatable; later ones may use earlier ones)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--file <derive.json>", 'derived columns from a file: {"columns": [{"name": "season", "expression": "season(date)"}]}')
    .requiredOption("--out <file>", "output CSV: the input columns, then the derived ones")
    .action(action(async (opts: { data: string; column: string[]; file?: string; out: string }, cmd: Command) => {
      const derivations: Derivation[] = [...(opts.file ? await loadDerivations(path.resolve(opts.file)) : []), ...opts.column.map(parseDerivation)];
      if (derivations.length === 0) throw new Error("nothing to derive: give --column name=expression (e.g. --column 'late=delay>15') or --file");
      const result = deriveColumns(await loadRows(path.resolve(opts.data)), derivations);
      const out = path.resolve(opts.out);
      // Derived rows are still the owner's raw data: 0600, written atomically (no half-written file on failure).
      await writePrivateFile(out, rowsCsv(result.columns, result.rows));
      const values = (d: (typeof result.derived)[number]) =>
        `${d.counts ? d.counts.map(([v, n]) => `${v} ${n}`).join(", ") : "more than 20 values"}${d.missing ? `, missing ${d.missing}` : ""}`;
      output(cmd, { out, rows: result.rows.length, columns: result.columns, derived: result.derived.map((d) => ({ ...d, counts: d.counts && Object.fromEntries(d.counts) })) },
        () => [`${result.rows.length} rows × ${result.columns.length} columns written to ${out}`, ...result.derived.map((d) => `${d.name} = ${d.expression}: ${values(d)}`)].join("\n"));
    }));
}

/** `2pm data split`. */
function splitCommand(data: Command): void {
  data.command("split").description("split a dataset into one JSON file per value of a field or expression (e.g. penguins by Island, weather by 'season(date)': one file per federated node)")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .requiredOption("--by <field>", "the field (or derive expression, e.g. 'season(date)') whose values name the parts")
    .requiredOption("--out-dir <dir>", "directory for <value>.json (created if missing)")
    .action(action(async (opts: { data: string; by: string; outDir: string }, cmd: Command) => {
      const rows = await loadRows(path.resolve(opts.data));
      const isField = rows.some((row) => Object.hasOwn(row, opts.by));
      const noField = `no row of ${opts.data} has a field '${opts.by}'${rows.length ? `; its fields are ${Object.keys(rows[0]).map((k) => `'${k}'`).join(", ")}` : " (it has no rows)"}`;
      if (!isField && !isExpression(opts.by, noField)) throw new Error(noField);
      const groups = isField ? splitBy(rows, opts.by) : splitByExpression(rows, opts.by);
      const parts = [...groups].map(([value, group]) => ({ value, file: `${fileStem(value)}.json`, rows: group }));
      const clash = parts.find((p, i) => parts.findIndex((q) => q.file === p.file) !== i);
      if (clash) throw new Error(`two values of '${opts.by}' map to the file name ${clash.file}`);
      const dir = path.resolve(opts.outDir);
      // Raw rows are the owner's private data: 0600 files, 0700 directories (writePrivateFile).
      for (const part of parts)
        await writePrivateFile(path.join(dir, part.file), `[\n${part.rows.map((row) => JSON.stringify(row)).join(",\n")}\n]\n`);
      output(cmd, { dir, by: opts.by, parts: parts.map(({ value, file, rows }) => ({ value, file: path.join(dir, file), rows: rows.length })) },
        () => parts.map((p) => `${p.value === "" ? "(missing)" : p.value}: ${p.rows.length} rows → ${path.join(dir, p.file)}`).join("\n"));
    }));
}

/**
 * Whether `--by` is meant as an expression rather than a field no row has: anything with an operator or bracket; a
 * bare name is a field. One that does not parse is reported both ways (`noField`, then the syntax error).
 */
function isExpression(by: string, noField: string): boolean {
  if (!/[()[\]{}<>=!+*\/%]/.test(by)) return false;
  try {
    return parseExpression(by).kind !== "field";
  } catch (error) {
    throw new Error(`${noField}, and it is not an expression: ${(error as { shortMessage?: string }).shortMessage ?? String(error)}`);
  }
}

/** `2pm data encrypt`. */
function encryptCommand(data: Command): void {
  data.command("encrypt").description("standardize and encrypt a dataset into a .fhed file (CKKS, seeded symmetric encryption)")
    .requiredOption("--schema <file>", "schema JSON")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .requiredOption("--key <keyId>", "key id from `2pm keys new` (its secret key must be in <home>/keys)")
    .requiredOption("--out <file>", "output .fhed file")
    .action(action(async (opts: { schema: string; data: string; key: string; out: string }, cmd: Command) => {
      const keyId = keyIdOf(opts.key);
      const prepared = await prepareDataset({ schemaFile: opts.schema, dataFile: opts.data });
      const { table } = prepared;
      const keys = await loadKeys(path.join(homeFor(cmd), "keys"), keyId, ["secret"]);
      const bars = stagedProgress(cmd);
      const out = path.resolve(opts.out);
      const result = await encryptDataset(prepared, { keys, out, onProgress: bars.onProgress }).finally(bars.stop);
      output(cmd, { out, bytes: result.bytes, rows: table.features.rows, ...rowCounts(prepared), columns: table.columns, keyId },
        () => `${table.features.rows} rows × ${table.columns.length} columns encrypted to ${out} (${result.bytes} bytes)${droppedNote(prepared)}`);
    }));
}

/** `2pm data decrypt`. */
function decryptCommand(data: Command): void {
  data.command("decrypt").description("decrypt a .fhed file, or a registered dataset fetched from storage, into a CSV of standardized features")
    .option("--in <file>", ".fhed file")
    .option("--root <root>", "the .fhed object's storage root (fetched and verified from the store)")
    .option("--dataset <id>", "a registered dataset: its current version's root, read from the chain", datasetIdOption)
    .requiredOption("--key <keyId>", "key id whose secret key is in <home>/keys")
    .requiredOption("--out <file>", "output CSV")
    .action(action(async (opts: { in?: string; root?: string; dataset?: bigint; key: string; out: string }, cmd: Command) => {
      const keyId = keyIdOf(opts.key);
      const bytes = await encryptedDatasetBytes(cmd, opts);
      const keys = await loadKeys(path.join(homeFor(cmd), "keys"), keyId, ["secret"]);
      const ctx = await createFheContext();
      try {
        const { columns, features } = await decryptTable(ctx, bytes, keys);
        const out = path.resolve(opts.out);
        // Decrypted data: 0600. No label column: the label is not encrypted.
        await writePrivateFile(out, standardizedCsv({ columns, features, labels: new Int32Array(0), classes: [] }));
        output(cmd, { out, rows: features.rows, columns }, () => `${features.rows} rows × ${columns.length} columns decrypted to ${out}`);
      } finally {
        ctx.dispose();
      }
    }));
}

/** `2pm data register`. */
function registerCommand(data: Command): void {
  accountOption(storeOptions(data.command("register").description("validate, standardize, (encrypt,) store and register a dataset on chain in one step"))
    .option("--allow-duplicate", "register even when a dataset with the same data root is already registered"))
    .action(action(async (opts: StoreOptions & { allowDuplicate?: boolean }, cmd: Command) => {
      const bars = stagedProgress(cmd);
      const params = storeParameters(cmd, opts, bars.onProgress);
      const r = await publishDataset(await chainFor(cmd), storeFor(cmd), { ...params, allowDuplicate: opts.allowDuplicate }).finally(bars.stop);
      output(cmd, { datasetId: r.datasetId, root: r.root, manifestRoot: r.manifestRoot, rows: r.rows, ...rowCounts(r.prepared), encryption: r.encryption, localPath: r.localPath, transactionHash: r.transactionHash },
        () => `registered dataset ${r.datasetId}: root ${r.root}, manifest ${r.manifestRoot}, ${r.rows} rows (${r.encryption})${droppedNote(r.prepared)}`);
    }));
}

/** `2pm data update`. */
function updateCommand(data: Command): void {
  accountOption(storeOptions(data.command("update").description("publish a new version of one of your datasets (same schema and encryption)")
    .requiredOption("--dataset <id>", "dataset id", datasetIdOption)))
    .action(action(async (opts: StoreOptions & { dataset: bigint }, cmd: Command) => {
      const bars = stagedProgress(cmd);
      const params = storeParameters(cmd, opts, bars.onProgress);
      const r = await publishDatasetVersion(await chainFor(cmd), storeFor(cmd), { ...params, datasetId: opts.dataset }).finally(bars.stop);
      output(cmd, { datasetId: r.datasetId, version: r.version, root: r.root, manifestRoot: r.manifestRoot, rows: r.rows, ...rowCounts(r.prepared), encryption: r.encryption, localPath: r.localPath, transactionHash: r.transactionHash },
        () => `dataset ${r.datasetId} version ${r.version}: root ${r.root}, manifest ${r.manifestRoot}, ${r.rows} rows (${r.encryption})${droppedNote(r.prepared)}`);
    }));
}

/** `2pm data retire`. */
function retireCommand(data: Command): void {
  accountOption(data.command("retire").description("retire one of your datasets for good (no new tasks can use it)")
    .requiredOption("--dataset <id>", "dataset id", datasetIdOption))
    .action(action(async (opts: { dataset: bigint }, cmd: Command) => {
      const { transactionHash } = await retireOwnDataset(await chainFor(cmd), opts.dataset);
      output(cmd, { datasetId: opts.dataset, transactionHash }, () => `retired dataset ${opts.dataset}`);
    }));
}

/** A file name for a field value: lowercase, runs of other characters as "-" ("Biscoe" → biscoe, "" → missing). */
function fileStem(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "missing";
}

/** The .fhed bytes named by exactly one of --in, --root, --dataset (the store checks the root and the bytes). */
async function encryptedDatasetBytes(cmd: Command, opts: { in?: string; root?: string; dataset?: bigint }): Promise<Uint8Array> {
  const given = [opts.in && "--in", opts.root && "--root", opts.dataset !== undefined && "--dataset"].filter(Boolean);
  if (given.length !== 1) throw new Error(`name the encrypted data with exactly one of --in, --root, --dataset${given.length ? ` (got ${given.join(", ")})` : ""}`);
  if (opts.in) return new Uint8Array(await readFile(path.resolve(opts.in)));
  let root = opts.root;
  if (opts.dataset !== undefined) {
    const dataset = await readDataset(await chainFor(cmd), opts.dataset);
    if (dataset.encryption !== "ckks") throw new Error(`dataset ${opts.dataset} is not encrypted: its data is not published (it stays with its owner)`);
    root = dataset.root;
  }
  return storeFor(cmd).get(root as Hex); // the store refuses anything that is not a root
}
