import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Address, Hex } from "viem";
import { PayoutTableError } from "./errors.ts";
import type { PayoutLeaf, PayoutTable } from "./types.ts";

/**
 * Leaf encoding shared with the contract (contracts/libraries/PayoutLeaf.sol):
 * `keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))`. The index (the leaf's position in the
 * address-sorted leaves) lets the contract mark claims in a bitmap.
 */
export const PAYOUT_LEAF_ENCODING = ["uint256", "address", "uint256"] as const;

export type PayoutMerkleTree = StandardMerkleTree<[bigint, Address, bigint]>;

/** The tree value of the leaf at `index`. */
function leafValue(leaf: PayoutLeaf, index: number): [bigint, Address, bigint] {
  return [BigInt(index), leaf.account, leaf.amount];
}

const trees = new WeakMap<readonly PayoutLeaf[], PayoutMerkleTree>();

/**
 * The OpenZeppelin StandardMerkleTree of a table's leaves (cached per leaves array).
 * @example
 * const tree = payoutTree(table); tree.root === table.root
 */
export function payoutTree(table: Pick<PayoutTable, "leaves">): PayoutMerkleTree {
  let tree = trees.get(table.leaves);
  if (tree === undefined) {
    if (table.leaves.length === 0) throw new PayoutTableError("The payout table has no leaves: nothing to settle.");
    tree = StandardMerkleTree.of(table.leaves.map((leaf, i) => leafValue(leaf, i)), [...PAYOUT_LEAF_ENCODING]);
    trees.set(table.leaves, tree);
  }
  return tree;
}

/**
 * Merkle root of a table's leaves, as passed to `TrainingTasks.settle(taskId, payoutRoot, total)`.
 * @example
 * payoutRoot(table) // "0x…"
 */
export function payoutRoot(table: Pick<PayoutTable, "leaves">): Hex {
  return payoutTree(table).root as Hex;
}

/** `index` is the leaf's position in `table.leaves` (sorted by address). */
export type PayoutProofReturnType = { index: number; amount: bigint; proof: Hex[] };

/**
 * The index, amount and Merkle proof an account passes to `TrainingTasks.claim(taskId, index, account, amount, proof)`.
 * Throws PayoutTableError when the account has no leaf or the table's root does not match its leaves.
 * @example
 * const { amount, proof } = payoutProof(table, "0xabc…")
 */
export function payoutProof(table: Pick<PayoutTable, "leaves" | "root">, account: Address): PayoutProofReturnType {
  const tree = payoutTree(table);
  if (tree.root !== table.root.toLowerCase()) {
    throw new PayoutTableError("The payout table's root does not match its leaves: recompute or re-fetch the table.", {
      details: `table root ${table.root}, leaves give ${tree.root}`,
    });
  }
  const index = findLeaf(table.leaves, account.toLowerCase() as Address);
  if (index < 0) {
    throw new PayoutTableError(`Account ${account} has nothing to claim in this payout table.`);
  }
  return { index, amount: table.leaves[index].amount, proof: tree.getProof(index) as Hex[] };
}

/** Binary search (leaves are sorted by lowercase address), with a linear fallback for hand-made tables. */
function findLeaf(leaves: readonly PayoutLeaf[], account: Address): number {
  let lo = 0;
  let hi = leaves.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = leaves[mid].account;
    if (value === account) return mid;
    if (value < account) lo = mid + 1;
    else hi = mid - 1;
  }
  return leaves.findIndex((l) => l.account.toLowerCase() === account);
}

/**
 * Checks a claim against a root exactly like the contract does (OpenZeppelin MerkleProof + StandardMerkleTree leaf).
 * @example
 * verifyPayoutProof(root, index, account, amount, proof) // true
 */
export function verifyPayoutProof(root: Hex, index: number, account: Address, amount: bigint, proof: readonly Hex[]): boolean {
  return StandardMerkleTree.verify(root, [...PAYOUT_LEAF_ENCODING], leafValue({ account, amount }, index), [...proof]);
}
