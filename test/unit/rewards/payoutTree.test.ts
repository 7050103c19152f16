import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import fc from "fast-check";
import { encodeAbiParameters, keccak256 } from "viem";
import {
  computePayouts,
  PayoutTableError,
  payoutProof,
  payoutRoot,
  payoutTree,
  verifyPayoutProof,
} from "../../../src/rewards/index.ts";
import { addr, flInputsArb } from "./helpers.ts";
import { workedExample } from "./helpers.ts";

describe("payout Merkle tree", () => {
  it("gives every leaf a proof that verifies against the root, and rejects a wrong amount", () => {
    fc.assert(
      fc.property(flInputsArb, (inputs) => {
        const table = computePayouts(inputs);
        assert.equal(payoutRoot(table), table.root);
        for (const [i, leaf] of table.leaves.entries()) {
          const { index, amount, proof } = payoutProof(table, leaf.account);
          assert.equal(index, i);
          assert.equal(amount, leaf.amount);
          assert.ok(StandardMerkleTree.verify(table.root, ["uint256", "address", "uint256"], [BigInt(i), leaf.account, amount], proof));
          assert.ok(verifyPayoutProof(table.root, i, leaf.account, amount, proof));
          assert.ok(!verifyPayoutProof(table.root, i, leaf.account, amount + 1n, proof));
          assert.ok(!verifyPayoutProof(table.root, i + 1, leaf.account, amount, proof));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("hashes leaves exactly like the contract: keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))", () => {
    const table = computePayouts(workedExample);
    const leaf = table.leaves[0];
    const inner = keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }, { type: "uint256" }], [0n, leaf.account, leaf.amount]));
    assert.equal(payoutTree(table).leafHash([0n, leaf.account, leaf.amount]), keccak256(inner));
  });

  it("has an empty proof when a single account takes the whole pool", () => {
    const table = computePayouts({ ...workedExample, rounds: [] });
    const { proof } = payoutProof(table, table.leaves[0].account);
    assert.deepEqual(proof, []);
    assert.ok(verifyPayoutProof(table.root, 0, table.leaves[0].account, table.leaves[0].amount, proof));
  });

  it("finds accounts whatever their case", () => {
    const table = computePayouts(workedExample);
    const account = table.leaves[1].account;
    assert.equal(payoutProof(table, account.toUpperCase().replace("0X", "0x") as never).amount, table.leaves[1].amount);
  });

  it("refuses accounts without a leaf and tables whose root does not match their leaves", () => {
    const table = computePayouts(workedExample);
    assert.throws(() => payoutProof(table, addr(0x4242)), PayoutTableError);
    const forged = { ...table, leaves: table.leaves.map((l, i) => (i === 0 ? { ...l, amount: l.amount + 1n } : l)) };
    assert.throws(() => payoutProof(forged, table.leaves[0].account), /root does not match its leaves/);
  });
});
