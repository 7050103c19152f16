import { access, chmod, mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import { loadKeys } from "../../fhe/keyStore.ts";
import { DEFAULT_FHE_PARAMS, type FheParams } from "../../fhe/params.ts";
import { createFheContext } from "../../fhe/createFheContext.ts";
import { COMMITTEE_FHE_PARAMS } from "../../fhe/multiparty/index.ts";
import { readCommittee } from "../../fhe/runner/committee/committeeChain.ts";
import { fetchCommitteeKeys } from "../../fhe/runner/committee/committeeTask.ts";
import type { EvaluationKeys } from "../../fhe/types.ts";
import { writePrivateFile } from "../../storage/atomicWrite.ts";
import { merkleRoot } from "../../storage/merkleRoot.ts";
import type { LocalStore } from "../../storage/localStore.ts";
import type { ZeroGStore } from "../../storage/zeroGStore.ts";
import { canonicalJsonBytes } from "../../storage/canonicalJson.ts";
import { DataError } from "../errors.ts";
import { buildManifest } from "../manifest.ts";
import { prepareDataset, type PreparedDataset } from "../prepareDataset.ts";
import { schemaHash } from "../schema.ts";
import { standardizedCsv } from "../standardizedCsv.ts";
import { encryptDataset, encryptDatasetForCommittee } from "./encryptDataset.ts";

/** The commitment a register/update will send, known before anything is stored. */
export type Commitment = { schemaId: bigint; root: Hex; manifestRoot: Hex; rows: number; encryption: "none" | "ckks"; keyId?: Hex };

export type StoreDatasetParameters = {
  /** The state directory (`--home`): keys in <home>/keys, local data in <home>/datasets/<root>/. */
  home: string;
  schemaFile: string;
  dataFile: string;
  /** Standardize with these stats instead of fitting them. */
  statsFile?: string;
  /** Encrypt with CKKS under this key before storing (excludes `local`). */
  keyId?: Hex;
  /** Encrypt under this Active committee's collective key instead (needs only its public keys file; excludes `keyId`). */
  committeeId?: bigint;
  /** FL mode: keep the standardized data on disk (0600 in 0700 directories), store only the manifest. */
  local?: boolean;
  /** Put the label histogram in the manifest. */
  histogram: boolean;
  /** Pins the schema: an update keeps its dataset's schema. */
  schemaId?: bigint;
  /** Every check the chain can make on the commitment, before a byte is stored (on 0G an upload costs money). */
  check: (c: Commitment) => Promise<void>;
  onProgress?: (stage: "encrypt", done: number, total: number) => void;
};

export type StoredDataset = Commitment & {
  localPath?: string;
  prepared: PreparedDataset;
  /** Removes what this call wrote locally, for a transaction that fails after all. */
  undo: () => Promise<void>;
};

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * validate → standardize → (encrypt →) compute the data and manifest roots → `check` → store the data (or keep it on
 * disk with `local`) → store the manifest.
 *
 * @example
 * const stored = await storeDataset(ctx, store, { home, schemaFile, dataFile, histogram: true, check: async () => {} })
 */
export async function storeDataset(ctx: ChainContext, store: LocalStore | ZeroGStore, p: StoreDatasetParameters): Promise<StoredDataset> {
  if ((p.keyId || p.committeeId !== undefined) && p.local) throw new DataError("encrypted data is stored, local data is not: choose one");
  if (p.keyId && p.committeeId !== undefined) throw new DataError("encrypt under your own key (--key) or a committee's (--committee), not both");
  // The committee's keys before the (long) standardize/encrypt work: a committee that is not Active is refused first.
  const committeeKeys = p.committeeId !== undefined ? await activeCommitteeKeys(ctx, store, p.committeeId) : undefined;
  const keyId = committeeKeys?.keyId ?? p.keyId;
  const params: FheParams = committeeKeys ? COMMITTEE_FHE_PARAMS : DEFAULT_FHE_PARAMS;
  const prepared = await prepareDataset(p);
  const { schema, stats, table } = prepared;
  const hash = schemaHash(schema);
  const registered = await ctx.contracts.datasetIndex.read.schemaIdOf([hash]);
  if (registered === 0n) throw new DataError(`schema ${hash} is not registered on ${ctx.network.name}; run \`2pm schema register ${p.schemaFile}\` first`);
  if (p.schemaId !== undefined && registered !== p.schemaId) throw new DataError(`${p.schemaFile} is schema ${registered}, but the dataset has schema ${p.schemaId}`);

  const bytes = keyId ? await encryptedBytes(prepared, p.home, committeeKeys ?? keyId, p.onProgress) : new TextEncoder().encode(standardizedCsv(table));
  const root = merkleRoot(bytes);
  const encryption = keyId
    ? { scheme: "ckks" as const, polyModulusDegree: params.polyModulusDegree, coeffModulusBits: [...params.coeffModulusBits], scale: params.scale, keyId }
    : { scheme: "none" as const };
  const manifest = buildManifest({ schema, table, standardization: stats, contentRoot: root, encryption, includeLabelHistogram: p.histogram });
  const manifestBytes = canonicalJsonBytes(manifest); // what putJson stores
  const manifestRoot = merkleRoot(manifestBytes);
  const commitment: Commitment = { schemaId: registered, root, manifestRoot, rows: table.features.rows, encryption: encryption.scheme, keyId };
  await p.check(commitment);

  // Only now is anything written. Remember what did not exist before, so a failed transaction can take it back.
  const created: string[] = [];
  const localFile = (r: Hex) => (store.kind === "local" ? store.pathOf(r) : undefined);
  for (const r of [root, manifestRoot]) {
    const file = localFile(r);
    if (file && !(r === root && p.local) && !(await exists(file))) created.push(file);
  }
  let localPath: string | undefined;
  if (p.local) {
    const datasets = path.join(p.home, "datasets");
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
  return { ...commitment, localPath, prepared, undo };
}

/**
 * The .fhed bytes of the prepared table, through a temporary file in `home` (removed whatever happens): under the
 * owner's key (its secret key, from `<home>/keys`) or a committee's (its public keys: the committee layout).
 */
async function encryptedBytes(prepared: PreparedDataset, home: string, key: Hex | EvaluationKeys, onProgress: StoreDatasetParameters["onProgress"]): Promise<Uint8Array> {
  const tmp = path.join(home, `.register-${process.pid}.fhed`);
  await mkdir(home, { recursive: true });
  try {
    if (typeof key === "string") await encryptDataset(prepared, { keys: await loadKeys(path.join(home, "keys"), key, ["secret"]), out: tmp, onProgress });
    else await encryptDatasetForCommittee(prepared, { keys: key, out: tmp, onProgress });
    return new Uint8Array(await readFile(tmp));
  } finally {
    await rm(tmp, { force: true });
  }
}

/** An Active committee's collective keys, fetched by their on-chain root and checked against its on-chain keyId. */
async function activeCommitteeKeys(ctx: ChainContext, store: LocalStore | ZeroGStore, committeeId: bigint): Promise<EvaluationKeys> {
  const committee = await readCommittee(ctx, committeeId);
  if (committee.status !== "Active") throw new DataError(`committee ${committeeId} is ${committee.status}: contributions are encrypted under an Active committee's key`);
  const fheCtx = await createFheContext(COMMITTEE_FHE_PARAMS);
  try {
    return (await fetchCommitteeKeys(fheCtx, store, committee)).keys.evaluationKeys;
  } finally {
    fheCtx.dispose();
  }
}
