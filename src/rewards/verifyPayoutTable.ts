import type { Address, Hex } from "viem";
import { payoutTableToJson } from "./serializePayoutTable.ts";
import type { Json } from "./serializePayoutTable.ts";
import type { PayoutTable } from "./types.ts";

/** What a settlement posted: the full table from storage, or only what the chain recorded. */
export type PostedSettlement = PayoutTable | { root: Hex; total: bigint };

/** The first place where the posted settlement departs from the recomputed one (values as decimal strings). */
export type PayoutDifference =
  | { field: "leaf"; account: Address; expected: string | null; actual: string | null }
  | { field: string; expected: string | null; actual: string | null };

export type VerifyPayoutTableReturnType = { ok: true } | { ok: false; firstDifference: PayoutDifference };

function leafMap(table: PayoutTable): Map<string, bigint> {
  const map = new Map<string, bigint>();
  for (const l of table.leaves) {
    const account = l.account.toLowerCase();
    map.set(account, (map.get(account) ?? 0n) + l.amount);
  }
  return map;
}

function show(value: Json | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Depth-first comparison of two JSON values; returns the path of the first difference. */
function firstJsonDifference(expected: Json | undefined, actual: Json | undefined, path: string): PayoutDifference | undefined {
  if (expected === actual) return undefined;
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects =
    typeof expected === "object" && typeof actual === "object" && expected !== null && actual !== null &&
    !Array.isArray(expected) && !Array.isArray(actual);
  if (bothArrays) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const d = firstJsonDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) {
      const d = firstJsonDifference(expected[key], actual[key], path ? `${path}.${key}` : key);
      if (d) return d;
    }
    return undefined;
  }
  return { field: path || "(root)", expected: show(expected), actual: show(actual) };
}

/**
 * Compares a recomputed payout table with what a settler posted. Checks, in this order: the task id, every leaf
 * (by account, in address order), the total, the root, then every other field (inputs, pools, shares) — and reports
 * the first difference. With only `{ root, total }` (from the chain) it compares those two.
 * @example
 * const result = verifyPayoutTable(computePayouts(inputsFromChain), parsePayoutTable(postedJson))
 * if (!result.ok) console.log(result.firstDifference)
 */
export function verifyPayoutTable(recomputed: PayoutTable, posted: PostedSettlement): VerifyPayoutTableReturnType {
  const fail = (firstDifference: PayoutDifference): VerifyPayoutTableReturnType => ({ ok: false, firstDifference });

  if ("leaves" in posted) {
    if (posted.taskId !== recomputed.taskId) {
      return fail({ field: "taskId", expected: recomputed.taskId.toString(), actual: posted.taskId.toString() });
    }
    const expected = leafMap(recomputed);
    const actual = leafMap(posted);
    const accounts = [...new Set([...expected.keys(), ...actual.keys()])].sort();
    for (const account of accounts) {
      const e = expected.get(account);
      const a = actual.get(account);
      if (e !== a) {
        return fail({
          field: "leaf",
          account: account as Address,
          expected: e === undefined ? null : e.toString(),
          actual: a === undefined ? null : a.toString(),
        });
      }
    }
  }
  if (posted.total !== recomputed.total) {
    return fail({ field: "total", expected: recomputed.total.toString(), actual: posted.total.toString() });
  }
  if (posted.root.toLowerCase() !== recomputed.root.toLowerCase()) {
    return fail({ field: "root", expected: recomputed.root, actual: posted.root });
  }
  if ("leaves" in posted) {
    const difference = firstJsonDifference(payoutTableToJson(recomputed), payoutTableToJson(posted), "");
    if (difference) return fail(difference);
  }
  return { ok: true };
}
