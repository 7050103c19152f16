import path from "node:path";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { zeroHash, type Hex } from "viem";
import { access, chmod, mkdir, rm } from "node:fs/promises";
import { datasetIndexAbi } from "../../src/chain/abis.ts";
import { checkWrite } from "../../src/chain/checkWrite.ts";
import { requireAccount, type ChainContext } from "../../src/chain/client.ts";
import { getEvents } from "../../src/chain/getEvents.ts";
import { readDataset, type DatasetRecord } from "../../src/chain/datasets/readDataset.ts";
import { encryptionCode, registerDataset } from "../../src/chain/datasets/registerDataset.ts";
import { retireDataset } from "../../src/chain/datasets/retireDataset.ts";
import { updateDataset } from "../../src/chain/datasets/updateDataset.ts";
import { merkleRoot, writeFileAtomic, writePrivateFile } from "../../src/storage/index.ts";
import { buildManifest, canonicalJsonBytes, standardizedCsv } from "../../src/data/index.ts";
import { DEFAULT_FHE_PARAMS } from "../../src/fhe/index.ts";
import { fitStandardizer, loadRows, loadSchema, schemaHash, splitBy, standardize, validateRows, writeStandardizedCsv } from "../../src/data/index.ts";
import { standardizationStatsSchema, type Schema, type StandardizationStats, type StandardizedTable } from "../../src/data/index.ts";
import { createFheContext, decryptTable, loadKeys, writeFhedFile } from "../../src/fhe/index.ts";
import { action, output, progress } from "../lib/cli.ts";
import { accountOption, chainFor, homeFor, storeFor } from "../lib/context.ts";
import { datasetIdOption } from "../lib/options.ts";

function keyIdOf(value: string): Hex {
  if (!/^0x[0-9a-f]{64}$/.test(value)) throw new Error(`'${value}' is not a key id (0x + 64 lowercase hex digits; see \`2pm keys new\`)`);
  return value as Hex;
}

type Prepared = {
  schema: Schema; stats: StandardizationStats; table: StandardizedTable;
  /** Rows read from the file, and the rows the schema's "drop" policy left out, counted by the field that dropped them. */
  rowsRead: number; dropped: { rows: number; byField: Record<string, number> };
};

/** validate → fit → standardize: the owner's pipeline up to the plaintext table. */
async function prepare(schemaPath: string, dataPath: string, statsPath?: string): Promise<Prepared> {
  const schema = await loadSchema(path.resolve(schemaPath));
  const raw = await loadRows(path.resolve(dataPath));
  const byField: Record<string, number> = {};
  const rows = validateRows(raw, schema, { onDrop: (_row, field) => (byField[field] = (byField[field] ?? 0) + 1) });
  // Federated nodes must standardize alike: a task can publish reference stats that every owner reuses.
  const stats = statsPath ? standardizationStatsSchema.parse(JSON.parse(await readFile(path.resolve(statsPath), "utf8"))) : fitStandardizer(rows, schema);
  return { schema, stats, table: standardize(rows, schema, stats), rowsRead: raw.length, dropped: { rows: raw.length - rows.length, byField } };
}

/** The dropped-rows note of a command's line: " (11 of 344 rows dropped by the schema's missing policy; missing: Sex 9, …)". */
function droppedNote(p: Prepared): string {
  if (p.dropped.rows === 0) return "";
  const fields = Object.entries(p.dropped.byField).map(([field, n]) => `${field} ${n}`).join(", ");
  return ` (${p.dropped.rows} of ${p.rowsRead} rows dropped by the schema's missing policy; missing: ${fields})`;
}

/** What --json results say about the rows: read, kept, dropped (by field). */
const rowCounts = (p: Prepared) => ({ rowsRead: p.rowsRead, rowsDropped: p.dropped.rows, droppedBy: p.dropped.byField });

export default function register(program: Command): void {
  const data = program.command("data").description("a data owner's datasets: standardize, encrypt (CKKS), decrypt");

  data.command("standardize").description("validate rows against a schema, fit the standardizer and write the standardized CSV")
    .requiredOption("--schema <file>", "schema JSON")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .requiredOption("--out <file>", "standardized CSV")
    .option("--stats <file>", "also write the fitted standardization stats as JSON")
    .action(action(async (opts: { schema: string; data: string; out: string; stats?: string }, cmd: Command) => {
      const prepared = await prepare(opts.schema, opts.data);
      const { stats, table } = prepared;
      const out = path.resolve(opts.out);
      await writeStandardizedCsv(out, table);
      if (opts.stats) await writeFileAtomic(path.resolve(opts.stats), new TextEncoder().encode(JSON.stringify(stats, null, 2) + "\n"));
      output(cmd, { out, rows: table.features.rows, ...rowCounts(prepared), columns: table.columns, classes: table.classes, standardization: stats },
        () => `${table.features.rows} rows × ${table.columns.length} columns written to ${out}${droppedNote(prepared)}`);
    }));

  data.command("split").description("split a dataset into one JSON file per value of a field (e.g. penguins by Island: one file per federated node)")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .requiredOption("--by <field>", "the field whose values name the parts")
    .requiredOption("--out-dir <dir>", "directory for <value>.json (created if missing)")
    .action(action(async (opts: { data: string; by: string; outDir: string }, cmd: Command) => {
      const rows = await loadRows(path.resolve(opts.data));
      if (!rows.some((row) => Object.hasOwn(row, opts.by)))
        throw new Error(`no row of ${opts.data} has a field '${opts.by}'${rows.length ? `; its fields are ${Object.keys(rows[0]).map((k) => `'${k}'`).join(", ")}` : " (it has no rows)"}`);
      const parts = [...splitBy(rows, opts.by)].map(([value, group]) => ({ value, file: `${fileStem(value)}.json`, rows: group }));
      const clash = parts.find((p, i) => parts.findIndex((q) => q.file === p.file) !== i);
      if (clash) throw new Error(`two values of '${opts.by}' map to the file name ${clash.file}`);
      const dir = path.resolve(opts.outDir);
      // Raw rows are the owner's private data: 0600 files, 0700 directories (writePrivateFile).
      for (const part of parts)
        await writePrivateFile(path.join(dir, part.file), `[\n${part.rows.map((row) => JSON.stringify(row)).join(",\n")}\n]\n`);
      output(cmd, { dir, by: opts.by, parts: parts.map(({ value, file, rows }) => ({ value, file: path.join(dir, file), rows: rows.length })) },
        () => parts.map((p) => `${p.value === "" ? "(missing)" : p.value}: ${p.rows.length} rows → ${path.join(dir, p.file)}`).join("\n"));
    }));

  data.command("encrypt").description("standardize and encrypt a dataset into a .fhed file (CKKS, seeded symmetric encryption)")
    .requiredOption("--schema <file>", "schema JSON")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .requiredOption("--key <keyId>", "key id from `2pm keys new` (its secret key must be in <home>/keys)")
    .requiredOption("--out <file>", "output .fhed file")
    .action(action(async (opts: { schema: string; data: string; key: string; out: string }, cmd: Command) => {
      const keyId = keyIdOf(opts.key);
      const prepared = await prepare(opts.schema, opts.data);
      const { schema, stats, table } = prepared;
      const keys = await loadKeys(path.join(homeFor(cmd), "keys"), keyId, ["secret"]);
      const ctx = await createFheContext();
      try {
        const out = path.resolve(opts.out);
        let bar: ReturnType<typeof progress> | undefined;
        const result = await writeFhedFile(ctx, out, {
          features: table.features, columns: table.columns, keys, schemaHash: schemaHash(schema), standardization: stats,
        }, (done, total) => { bar ??= progress(cmd, "encrypt", total); bar.update(done); });
        bar?.stop();
        output(cmd, { out, bytes: result.bytes, rows: table.features.rows, ...rowCounts(prepared), columns: table.columns, keyId },
          () => `${table.features.rows} rows × ${table.columns.length} columns encrypted to ${out} (${result.bytes} bytes)${droppedNote(prepared)}`);
      } finally {
        ctx.dispose();
      }
    }));

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
        const lines = [columns.join(",")];
        for (let r = 0; r < features.rows; r++) {
          const row: string[] = [];
          for (let c = 0; c < features.cols; c++) row.push(String(features.data[r * features.cols + c]));
          lines.push(row.join(","));
        }
        const out = path.resolve(opts.out);
        await writePrivateFile(out, lines.join("\n") + "\n"); // decrypted data: 0600
        output(cmd, { out, rows: features.rows, columns }, () => `${features.rows} rows × ${columns.length} columns decrypted to ${out}`);
      } finally {
        ctx.dispose();
      }
    }));

  const storeOptions = (cmd: Command) => cmd
    .requiredOption("--schema <file>", "schema JSON (registered first with `2pm schema register`)")
    .requiredOption("--data <file>", "rows (.csv or .json)")
    .option("--encrypt", "encrypt with CKKS before storing (needs --key)")
    .option("--key <keyId>", "key id from `2pm keys new`")
    .option("--local", "FL mode: keep the standardized data on disk, store only the manifest")
    .option("--no-histogram", "omit the label histogram from the manifest")
    .option("--stats <file>", "standardize with these stats (from `data standardize --stats`) instead of fitting them");

  accountOption(storeOptions(data.command("register").description("validate, standardize, (encrypt,) store and register a dataset on chain in one step"))
    .option("--allow-duplicate", "register even when a dataset with the same data root is already registered"))
    .action(action(async (opts: StoreOptions & { allowDuplicate?: boolean }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      const stored = await storeDataset(cmd, ctx, opts, undefined, async (c) => {
        if (!opts.allowDuplicate) await refuseDuplicateRoot(ctx, c.schemaId, c.root);
        await checkWrite(ctx, {
          address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "registerDataset",
          args: [c.schemaId, c.root, c.manifestRoot, BigInt(c.rows), encryptionCode(c.encryption), c.keyId ?? zeroHash, `0g://${c.manifestRoot}`],
        }, "register dataset");
      });
      const { datasetId, transactionHash } = await registerDataset(ctx, {
        schemaId: stored.schemaId, root: stored.root, manifestRoot: stored.manifestRoot, rows: BigInt(stored.rows),
        encryption: stored.encryption, keyId: stored.keyId, uri: `0g://${stored.manifestRoot}`,
      }).catch(async (err) => { await stored.undo(); throw err; });
      output(cmd, { datasetId, root: stored.root, manifestRoot: stored.manifestRoot, rows: stored.rows, ...rowCounts(stored.prepared), encryption: stored.encryption, localPath: stored.localPath, transactionHash },
        () => `registered dataset ${datasetId}: root ${stored.root}, manifest ${stored.manifestRoot}, ${stored.rows} rows (${stored.encryption})${droppedNote(stored.prepared)}`);
    }));

  accountOption(storeOptions(data.command("update").description("publish a new version of one of your datasets (same schema and encryption)")
    .requiredOption("--dataset <id>", "dataset id", datasetIdOption)))
    .action(action(async (opts: StoreOptions & { dataset: bigint }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      // Every check the contract would make, before the (possibly long) standardize → encrypt → store work.
      const current = await ownedActiveDataset(ctx, opts.dataset);
      if ((current.encryption === "ckks") !== Boolean(opts.encrypt))
        throw new Error(`dataset ${opts.dataset} is ${current.encryption === "ckks" ? "CKKS-encrypted: pass --encrypt --key <keyId>" : "not encrypted: drop --encrypt"}`);
      const stored = await storeDataset(cmd, ctx, opts, current.schemaId, (c) => checkWrite(ctx, {
        address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "updateDataset",
        args: [opts.dataset, c.root, c.manifestRoot, BigInt(c.rows), c.keyId ?? zeroHash, `0g://${c.manifestRoot}`],
      }, `update dataset ${opts.dataset}`));
      const { version, transactionHash } = await updateDataset(ctx, opts.dataset, {
        root: stored.root, manifestRoot: stored.manifestRoot, rows: BigInt(stored.rows), keyId: stored.keyId, uri: `0g://${stored.manifestRoot}`,
      }).catch(async (err) => { await stored.undo(); throw err; });
      output(cmd, { datasetId: opts.dataset, version, root: stored.root, manifestRoot: stored.manifestRoot, rows: stored.rows, ...rowCounts(stored.prepared), encryption: stored.encryption, localPath: stored.localPath, transactionHash },
        () => `dataset ${opts.dataset} version ${version}: root ${stored.root}, manifest ${stored.manifestRoot}, ${stored.rows} rows (${stored.encryption})${droppedNote(stored.prepared)}`);
    }));

  accountOption(data.command("retire").description("retire one of your datasets for good (no new tasks can use it)")
    .requiredOption("--dataset <id>", "dataset id", datasetIdOption))
    .action(action(async (opts: { dataset: bigint }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      await ownedActiveDataset(ctx, opts.dataset);
      const { transactionHash } = await retireDataset(ctx, opts.dataset);
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

type StoreOptions = { schema: string; data: string; encrypt?: boolean; key?: string; local?: boolean; histogram: boolean; stats?: string };


/** The acting account's dataset `datasetId`, refused (before any work) when it is someone else's or retired. */
async function ownedActiveDataset(ctx: ChainContext, datasetId: bigint): Promise<DatasetRecord> {
  const { account } = requireAccount(ctx);
  const current = await readDataset(ctx, datasetId);
  if (current.owner.toLowerCase() !== account.address.toLowerCase()) throw new Error(`dataset ${datasetId} belongs to ${current.owner}, not to ${account.address}`);
  if (current.retired) throw new Error(`dataset ${datasetId} is retired`);
  return current;
}

/** The commitment a register/update will send, known before anything is stored. */
type Commitment = { schemaId: bigint; root: Hex; manifestRoot: Hex; rows: number; encryption: "none" | "ckks"; keyId?: Hex };

/** Refuses a data root some dataset of this schema already has (the same data registered again, by anyone). */
async function refuseDuplicateRoot(ctx: ChainContext, schemaId: bigint, root: Hex): Promise<void> {
  const address = ctx.deployments.datasetIndex.address;
  const [registered, updated] = await Promise.all([
    getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetRegistered", args: { schemaId } }),
    getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetUpdated" }),
  ]);
  const same = [...registered, ...updated].find((log) => String(log.args.root).toLowerCase() === root.toLowerCase());
  if (same) throw new Error(`this data (root ${root}) is already registered as dataset ${same.args.datasetId}: pass --allow-duplicate to register it again`);
}

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * validate → standardize → (encrypt →) compute the data and manifest roots → `check` (every check the chain can make,
 * before a byte is stored: on 0G an upload costs money) → store the data (or, with --local, keep it on disk, 0600 in
 * 0700 directories) → store the manifest. `schemaId` pins the schema (an update keeps its dataset's schema).
 * `undo()` removes what this call wrote locally, for a transaction that fails after all.
 */
async function storeDataset(cmd: Command, ctx: ChainContext, opts: StoreOptions, schemaId: bigint | undefined, check: (c: Commitment) => Promise<void>) {
  if (opts.encrypt && opts.local) throw new Error("--encrypt and --local exclude each other");
  if (opts.encrypt && !opts.key) throw new Error("--encrypt needs --key <keyId> (create one with `2pm keys new`)");
  const keyId = opts.encrypt ? keyIdOf(opts.key!) : undefined;
  const prepared = await prepare(opts.schema, opts.data, opts.stats);
  const { schema, stats, table } = prepared;
  const hash = schemaHash(schema);
  const registered = await ctx.contracts.datasetIndex.read.schemaIdOf([hash]);
  if (registered === 0n) throw new Error(`schema ${hash} is not registered on ${ctx.network.name}; run \`2pm schema register ${opts.schema}\` first`);
  if (schemaId !== undefined && registered !== schemaId) throw new Error(`${opts.schema} is schema ${registered}, but the dataset has schema ${schemaId}`);
  const home = homeFor(cmd);
  const store = storeFor(cmd);

  let bytes: Uint8Array;
  if (keyId) {
    const keys = await loadKeys(path.join(home, "keys"), keyId, ["secret"]);
    const fhe = await createFheContext();
    const tmp = path.join(home, `.register-${process.pid}.fhed`);
    await mkdir(home, { recursive: true });
    try {
      let bar: ReturnType<typeof progress> | undefined;
      await writeFhedFile(fhe, tmp, { features: table.features, columns: table.columns, keys, schemaHash: hash, standardization: stats },
        (done, total) => { bar ??= progress(cmd, "encrypt", total); bar.update(done); });
      bar?.stop();
      bytes = new Uint8Array(await readFile(tmp));
    } finally {
      fhe.dispose();
      await rm(tmp, { force: true });
    }
  } else {
    bytes = new TextEncoder().encode(standardizedCsv(table));
  }
  const root = merkleRoot(bytes);
  const encryption = keyId
    ? { scheme: "ckks" as const, polyModulusDegree: DEFAULT_FHE_PARAMS.polyModulusDegree, coeffModulusBits: [...DEFAULT_FHE_PARAMS.coeffModulusBits], scale: DEFAULT_FHE_PARAMS.scale, keyId }
    : { scheme: "none" as const };
  const manifest = buildManifest({ schema, table, standardization: stats, contentRoot: root, encryption, includeLabelHistogram: opts.histogram });
  const manifestBytes = canonicalJsonBytes(manifest); // what putJson stores
  const manifestRoot = merkleRoot(manifestBytes);
  await check({ schemaId: registered, root, manifestRoot, rows: table.features.rows, encryption: encryption.scheme, keyId });

  // Only now is anything written. Remember what did not exist before, so a failed transaction can take it back.
  const created: string[] = [];
  const localFile = (r: Hex) => (store.kind === "local" ? store.pathOf(r) : undefined);
  for (const r of [root, manifestRoot]) {
    const file = localFile(r);
    if (file && !(r === root && opts.local) && !(await exists(file))) created.push(file);
  }
  let localPath: string | undefined;
  if (opts.local) {
    const datasets = path.join(home, "datasets");
    const dir = path.join(datasets, root);
    if (!(await exists(dir))) created.push(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(datasets, 0o700); // also when an older version created it 0755
    await chmod(dir, 0o700);
    localPath = path.join(dir, "data.csv");
    await writePrivateFile(localPath, bytes);
  } else {
    await store.put(bytes);
  }
  await store.put(manifestBytes);
  const undo = async () => {
    for (const file of created) await rm(file, { recursive: true, force: true });
  };
  return { schemaId: registered, root, manifestRoot, rows: table.features.rows, encryption: encryption.scheme, keyId, localPath, prepared, undo };
}
