// Contract errors are decoded by name in one place (src/chain/contractErrors.ts): through our ChainError wrapper,
// from a call whose ABI lacks the error, and into one line that keeps the error's name and says what it means.
// The second half is checked by the compiler (`npm run lint`): the chain actions are typed by the ABI.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseError, ContractFunctionExecutionError, ContractFunctionRevertedError, encodeErrorResult, erc20Abi, zeroAddress, zeroHash } from "viem";
import { fheCommitteesAbi, trainingTasksAbi } from "../../../src/chain/abis.ts";
import type { ChainContext } from "../../../src/chain/client.ts";
import { MAX_ATTEMPTS } from "../../../src/chain/constants.ts";
import { contractRevertOf, describeRevert } from "../../../src/chain/contractErrors.ts";
import { ChainError, explainChainError } from "../../../src/chain/errors.ts";
import { getEvents } from "../../../src/chain/getEvents.ts";
import { committeeWrite } from "../../../src/chain/committees/committeeWrite.ts";
import { taskWrite } from "../../../src/chain/tasks/taskWrite.ts";
import { write } from "../../../src/chain/write.ts";

/** The error viem throws when `functionName` reverts with `data`, decoded against `abi` (as simulateContract does). */
const reverted = (abi: typeof trainingTasksAbi | typeof fheCommitteesAbi | typeof erc20Abi, data: `0x${string}`, functionName: string) =>
  new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi, data, functionName }) as unknown as BaseError, { abi, functionName, args: [] });

const tooManyAttempts = encodeErrorResult({ abi: trainingTasksAbi, errorName: "TrainingTasksTooManyAttempts", args: [7n, 2, MAX_ATTEMPTS] });

describe("contract errors", () => {
  it("finds the error name and arguments behind a ChainError", () => {
    const err = explainChainError(reverted(trainingTasksAbi, tooManyAttempts, "restartRound"), "restart round 2");
    assert.ok(err instanceof ChainError);
    assert.deepEqual(contractRevertOf(err), { errorName: "TrainingTasksTooManyAttempts", args: [7n, 2, MAX_ATTEMPTS] });
    assert.equal(err.shortMessage, `restart round 2: the contract refused it: TrainingTasksTooManyAttempts(7, 2, ${MAX_ATTEMPTS}): round 2 already used its ${MAX_ATTEMPTS} attempts`);
  });

  it("decodes an error the called contract's ABI does not declare (a revert bubbled up through a token call)", () => {
    const err = reverted(erc20Abi, tooManyAttempts, "transfer");
    assert.equal(contractRevertOf(err)?.errorName, "TrainingTasksTooManyAttempts");
  });

  it("names the task status of TrainingTasksWrongStatus", () => {
    assert.equal(describeRevert({ errorName: "TrainingTasksWrongStatus", args: [1n, 3] }), "TrainingTasksWrongStatus(1, 3): task 1 is Finished");
    assert.equal(describeRevert({ errorName: "TrainingTasksZeroRoot", args: [] }), "TrainingTasksZeroRoot()");
  });

  it("knows FheCommittees' errors: decoded by name, with the committee status and the share deadline explained", () => {
    const shareClosed = encodeErrorResult({ abi: fheCommitteesAbi, errorName: "FheCommitteesShareClosed", args: [7n, 1_800_000_000n] });
    const err = explainChainError(reverted(fheCommitteesAbi, shareClosed, "postShare"), "post the decryption share of task 7");
    assert.equal(err.shortMessage, "post the decryption share of task 7: the contract refused it: FheCommitteesShareClosed(7, 1800000000): the share window of task 7 closed at 2027-01-15T08:00:00.000Z");
    // Bubbled up through a call whose ABI lacks it.
    assert.deepEqual(contractRevertOf(reverted(erc20Abi, shareClosed, "transfer")), { errorName: "FheCommitteesShareClosed", args: [7n, 1_800_000_000n] });
    assert.equal(describeRevert({ errorName: "FheCommitteesWrongStatus", args: [2n, 6] }), "FheCommitteesWrongStatus(2, 6): committee 2 is Broken");
    assert.equal(describeRevert({ errorName: "FheCommitteesStakeLocked", args: [2n, 0n] }), "FheCommitteesStakeLocked(2, 0): committee 2 still serves (or sets up): retire it first");
  });

  it("is undefined for errors that are not reverts", () => {
    assert.equal(contractRevertOf(new Error("socket hang up")), undefined);
    assert.equal(contractRevertOf(new ChainError("cannot reach the RPC")), undefined);
  });
});

// Compile-time checks, never called: `tsc` (npm run lint) fails when one of these lines stops being an error, which
// it would be with an untyped `functionName: string` / `args: readonly unknown[]`.
export function typedActionsRejectMistakes(ctx: ChainContext) {
  // @ts-expect-error a misspelt function name
  void taskWrite(ctx, "joinTsk", [1n, 1n, zeroHash], "join");
  // @ts-expect-error an argument of the wrong type (datasetId is a uint256)
  void taskWrite(ctx, "joinTask", [1n, "1", zeroHash], "join");
  // @ts-expect-error a view function is not a transaction
  void write(ctx, { address: zeroAddress, abi: trainingTasksAbi, functionName: "getTaskParams", args: [1n] }, "read");
  // @ts-expect-error an event the ABI does not have
  void getEvents(ctx, { address: zeroAddress, abi: trainingTasksAbi, eventName: "MemberJoind" });
  // @ts-expect-error FheCommittees' postShare takes (taskId, root, declined)
  void committeeWrite(ctx, "postShare", [1n, zeroHash], "post");
}
