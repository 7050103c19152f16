import { decodeFunctionData, toFunctionSelector, type Address, type Hex } from "viem";
import { trainingTasksAbi } from "../chain/abis.ts";
import type { ChainContext } from "../chain/client.ts";
import { getEvents } from "../chain/getEvents.ts";
import type { ContentStore } from "../storage/types.ts";
import { parsePayoutTable } from "./serializePayoutTable.ts";
import { payoutRoot } from "./payoutTree.ts";
import type { PayoutTable } from "./types.ts";

// settle(uint256,bytes32,uint256): selector + 3 static words. The settler appends the payout table's storage root
// as one more word; the contract's ABI decoder ignores trailing calldata, so this costs ~512 gas and no contract
// change, and anyone can find the table from the chain alone (the contract has no slot for it).
const SETTLE_SELECTOR = toFunctionSelector("settle(uint256,bytes32,uint256)");
const SETTLE_CALLDATA_BYTES = 4 + 3 * 32;

/** The last settlement transaction of a task and, when its settler appended one, the payout table's storage root. */
export type SettlementTransaction = {
  transactionHash: Hex;
  settler: Address;
  payoutRoot: Hex;
  total: bigint;
  /** Storage root of the posted payout table JSON (undefined when the settle call carried none). */
  tableRoot?: Hex;
};

/**
 * Finds the transaction behind a task's current settlement (its last TaskSettled event) and the table root its
 * settler appended to the `settle` calldata. Undefined when the task was never settled.
 * @example const tx = await findSettlementTransaction(ctx, 1n); tx?.tableRoot // "0x…" → store.get(tableRoot)
 */
export async function findSettlementTransaction(ctx: ChainContext, taskId: bigint): Promise<SettlementTransaction | undefined> {
  const logs = await getEvents(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, eventName: "TaskSettled", args: { taskId } });
  const last = logs.at(-1);
  if (!last?.transactionHash) return undefined;
  const result: SettlementTransaction = {
    transactionHash: last.transactionHash,
    settler: last.args.settler as Address,
    payoutRoot: (last.args.payoutRoot as Hex).toLowerCase() as Hex,
    total: last.args.total as bigint,
  };
  const tx = await ctx.publicClient.getTransaction({ hash: last.transactionHash });
  const input = tx.input.toLowerCase() as Hex;
  // Only a direct call to settle with exactly one extra word (a call through a multisig or another contract
  // leaves the table to be named explicitly).
  if (tx.to?.toLowerCase() !== ctx.deployments.trainingTasks.address.toLowerCase()) return result;
  if (!input.startsWith(SETTLE_SELECTOR) || input.length !== 2 + 2 * (SETTLE_CALLDATA_BYTES + 32)) return result;
  const { args } = decodeFunctionData({ abi: trainingTasksAbi, data: input.slice(0, 2 + 2 * SETTLE_CALLDATA_BYTES) as Hex });
  const [id, root, total] = args as readonly [bigint, Hex, bigint];
  if (id !== taskId || root.toLowerCase() !== result.payoutRoot || total !== result.total) return result;
  return { ...result, tableRoot: `0x${input.slice(2 + 2 * SETTLE_CALLDATA_BYTES)}` as Hex };
}

export type ReadPostedTableReturnType =
  | { table: PayoutTable; tableRoot: Hex }
  | { table?: undefined; tableRoot?: Hex; problem: string };

/**
 * Fetches the payout table a settler published for a task and checks it against the chain: same task, its leaves
 * hash to the posted payout root and sum to the posted total. `tableRoot` overrides the root found in the settle
 * calldata. Never throws for a missing or bad table: returns `problem` instead (the caller falls back to root + total).
 * @example const posted = await readPostedTable(ctx, store, 1n, { root, total }); if (posted.table) verifyPayoutTable(mine, posted.table)
 */
export async function readPostedTable(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
  posted: { root: Hex; total: bigint },
  options: { tableRoot?: Hex } = {},
): Promise<ReadPostedTableReturnType> {
  const tableRoot = options.tableRoot
    ? (options.tableRoot.toLowerCase() as Hex)
    : (await findSettlementTransaction(ctx, taskId))?.tableRoot;
  if (!tableRoot) return { problem: "the settler published no payout table root with its settle transaction" };
  let table: PayoutTable;
  try {
    table = parsePayoutTable(new TextDecoder().decode(await store.get(tableRoot)));
  } catch (err) {
    const why = err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message.split("\n")[0]) : String(err);
    return { tableRoot, problem: `the posted payout table ${tableRoot} cannot be read: ${why}` };
  }
  if (table.taskId !== taskId) return { tableRoot, problem: `the posted payout table ${tableRoot} is for task ${table.taskId}, not ${taskId}` };
  const leavesRoot = table.leaves.length ? payoutRoot(table) : undefined;
  if (leavesRoot !== posted.root.toLowerCase() || table.root.toLowerCase() !== leavesRoot) {
    return { tableRoot, problem: `the leaves of the posted payout table ${tableRoot} do not hash to the posted root ${posted.root}` };
  }
  const sum = table.leaves.reduce((a, l) => a + l.amount, 0n);
  if (sum !== posted.total || table.total !== posted.total) {
    return { tableRoot, problem: `the leaves of the posted payout table ${tableRoot} sum to ${sum}, but the posted total is ${posted.total}` };
  }
  return { table, tableRoot };
}
