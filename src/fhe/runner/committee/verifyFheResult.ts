// Anyone's check of a committee task's publication: re-derive it from chain and storage, compare.
import type { Hex } from "viem";
import type { ChainContext } from "../../../chain/client.ts";
import { readRoundFinalizations } from "../../../chain/index.ts";
import { canonicalJsonBytes } from "../../../storage/canonicalJson.ts";
import { getJson } from "../../../storage/json.ts";
import type { ContentStore } from "../../../storage/types.ts";
import { FheTaskError } from "../fheTask.ts";
import { deriveCommitteePublication, type CommitteeFheResult } from "./committeePublication.ts";
import { readCommitteeTask } from "./committeeTask.ts";

export type VerifyFheResultParameters = {
  taskId: bigint;
  /** Check this stored publication instead of the finalized one (e.g. values someone claims the task published). */
  publishedRoot?: Hex;
};

export type VerifyFheResultReturnType = {
  taskId: bigint;
  publishedRoot: Hex;
  /** True when the finalized publication is exactly what the posted shares give. */
  ok: boolean;
  /** What differs ("means[2]: published 0.1, the shares give 0.2"), when not ok. */
  differences: string[];
  expected: CommitteeFheResult;
};

/**
 * Re-derives a committee task's publication from the posted shares (chain) and the stored result, shares and keys
 * (storage), and compares it with the finalized one, field by field. A publisher cannot publish other values
 * without this failing.
 *
 * @example
 * const { ok, differences } = await verifyFheResult(ctx, store, { taskId: 1n })
 */
export async function verifyFheResult(ctx: ChainContext, store: ContentStore, p: VerifyFheResultParameters): Promise<VerifyFheResultReturnType> {
  const t = await readCommitteeTask(ctx, store, p.taskId);
  if (!t) throw new FheTaskError(`FHE task ${p.taskId} is under a single key: only its key holder can check its publication`);
  let publishedRoot = p.publishedRoot;
  if (!publishedRoot) {
    const [finalized] = await readRoundFinalizations(ctx, { taskId: p.taskId, round: 1 });
    if (!finalized) throw new FheTaskError(`FHE task ${p.taskId}'s result has not been published yet`);
    publishedRoot = finalized.modelRoot.toLowerCase() as Hex;
  }
  const published = await getJson<Record<string, unknown>>(store, publishedRoot);
  const { publication: expected } = await deriveCommitteePublication(ctx, store, t, p.taskId);
  const differences = diff(expected as unknown as Record<string, unknown>, published);
  return { taskId: p.taskId, publishedRoot, ok: differences.length === 0, differences, expected };
}

/** Paths where `a` and `b` differ (canonical JSON equality per leaf), at most 10. */
function diff(expected: unknown, published: unknown, at = "", out: string[] = []): string[] {
  if (out.length >= 10) return out;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isObject(expected) && isObject(published) && Array.isArray(expected) === Array.isArray(published)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(published)]);
    for (const k of keys) diff(expected[k], published[k], Array.isArray(expected) ? `${at}[${k}]` : at ? `${at}.${k}` : k, out);
    return out;
  }
  const same = expected !== undefined && published !== undefined && Buffer.from(canonicalJsonBytes(expected)).equals(Buffer.from(canonicalJsonBytes(published)));
  if (!same) out.push(`${at}: published ${JSON.stringify(published) ?? "nothing"}, the shares give ${JSON.stringify(expected) ?? "nothing"}`);
  return out;
}
