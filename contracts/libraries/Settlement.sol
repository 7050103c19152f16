// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {ITrainingTasks} from "../interfaces/ITrainingTasks.sol";
import {Task} from "./Task.sol";
import {PayoutLeaf} from "./PayoutLeaf.sol";

/// @title Settlement
/// @notice The money rules after the rounds: posting a payout root (bounded by budget + slashed stakes), disputing
/// it with a proposal, the resolver's choice, claims by Merkle proof within the claim period, and what members and
/// the creator may withdraw. A task never pays out more than it took in.
/// @dev External functions (but {claim}), linked at deployment and run by DELEGATECALL in TrainingTasks' context.
/// They only update the accounting and return the amount to move: TrainingTasks checks roles, emits the events and
/// moves the tokens afterwards (checks-effects-interactions).
library Settlement {
    using BitMaps for BitMaps.BitMap;

    /// @notice Records the payout (`payoutRoot`, `total`) of a Finished task (settler checked by the caller); claims
    /// open after the challenge window.
    /// @return claimsOpenAt When claims open unless disputed.
    function settle(Task.State storage task, uint256 taskId, bytes32 payoutRoot, uint256 total)
        external
        returns (uint64 claimsOpenAt)
    {
        _checkPayout(task, taskId, payoutRoot, total);
        ITrainingTasks.TaskParams storage p = task.params;
        claimsOpenAt = uint64(block.timestamp) + p.challengeWindow;
        task.status = ITrainingTasks.TaskStatus.Settled;
        task.payoutRoot = payoutRoot;
        task.payoutTotal = uint128(total);
        task.claimsOpenAt = claimsOpenAt;
        task.claimWindow = Task.ClaimWindow({token: p.rewardToken, opensAt: claimsOpenAt, claimPeriod: p.claimPeriod});
    }

    /// @notice Records msg.sender's dispute of a Settled (or already Disputed) task inside its challenge window,
    /// with the payout it proposes instead. The first dispute moves claims to the resolve deadline.
    /// @return resolveDeadline Until when the resolver may pick a candidate.
    function dispute(Task.State storage task, uint256 taskId, bytes32 proposedRoot, uint256 proposedTotal)
        external
        returns (uint64 resolveDeadline)
    {
        Task.requireExists(task, taskId);
        ITrainingTasks.TaskStatus status = task.status;
        if (status != ITrainingTasks.TaskStatus.Settled && status != ITrainingTasks.TaskStatus.Disputed) {
            revert ITrainingTasks.TrainingTasksWrongStatus(taskId, status);
        }
        uint64 challengeEnd = Task.challengeEnd(task);
        if (block.timestamp >= challengeEnd) {
            revert ITrainingTasks.TrainingTasksChallengeWindowClosed(taskId, challengeEnd);
        }
        ITrainingTasks.Member storage member = task.members[msg.sender];
        // Only who has something at stake may dispute, and never the parties whose own settlement it is.
        if (!Task.hasStake(member) || msg.sender == task.creator || msg.sender == task.params.aggregator) {
            revert ITrainingTasks.TrainingTasksCannotDispute(taskId, msg.sender);
        }
        if (member.disputed) revert ITrainingTasks.TrainingTasksAlreadyDisputed(taskId, msg.sender);
        _checkPayout(task, taskId, proposedRoot, proposedTotal);

        member.disputed = true;
        task.proposals[Task.proposalKey(proposedRoot, proposedTotal)] = true;
        resolveDeadline = challengeEnd + task.params.challengeWindow;
        if (status == ITrainingTasks.TaskStatus.Settled) {
            // Claims of the original wait for the resolver; if it stays silent they open at the resolve deadline.
            task.status = ITrainingTasks.TaskStatus.Disputed;
            task.claimsOpenAt = resolveDeadline;
            task.claimWindow.opensAt = resolveDeadline;
        }
    }

    /// @notice Records the resolver's choice (checked by the caller) for a Disputed task after the challenge window
    /// and before the resolve deadline: the original settlement or one of the proposals. Claims open at once.
    /// @return claimsOpenAt Now.
    function resolve(Task.State storage task, uint256 taskId, bytes32 payoutRoot, uint256 total)
        external
        returns (uint64 claimsOpenAt)
    {
        uint64 challengeEnd = Task.challengeEnd(task);
        if (block.timestamp < challengeEnd) revert ITrainingTasks.TrainingTasksTooEarly(taskId, challengeEnd);
        uint64 resolveDeadline = task.claimsOpenAt;
        if (block.timestamp >= resolveDeadline) {
            revert ITrainingTasks.TrainingTasksRoundClosed(taskId, task.params.rounds, resolveDeadline);
        }
        bool original = payoutRoot == task.payoutRoot && total == task.payoutTotal;
        if (!original && !task.proposals[Task.proposalKey(payoutRoot, total)]) {
            revert ITrainingTasks.TrainingTasksUnknownProposal(taskId, payoutRoot, total);
        }

        claimsOpenAt = uint64(block.timestamp);
        task.status = ITrainingTasks.TaskStatus.Settled;
        task.payoutRoot = payoutRoot;
        task.payoutTotal = uint128(total);
        task.claimsOpenAt = claimsOpenAt;
        task.claimWindow.opensAt = claimsOpenAt;
    }

    /// @notice Marks payout leaf (`index`, `account`, `amount`) claimed once its proof checks against the payout
    /// root, inside the claim period, and the claims stay within the posted total.
    /// @dev Internal (inlined into TrainingTasks): one claim per payout leaf makes this the most frequent call, and
    /// a linked library call would add ~3,800 gas to each (measured in snapshots/gas.json).
    /// @return token The token to pay `amount` in.
    function claim(
        Task.State storage task,
        uint256 taskId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof
    ) internal returns (IERC20 token) {
        Task.ClaimWindow memory window = task.claimWindow;
        if (window.opensAt == 0) {
            Task.requireExists(task, taskId);
            revert ITrainingTasks.TrainingTasksWrongStatus(taskId, task.status);
        }
        if (block.timestamp < window.opensAt) revert ITrainingTasks.TrainingTasksClaimsNotOpen(taskId, window.opensAt);
        uint64 closesAt = window.opensAt + window.claimPeriod;
        if (block.timestamp >= closesAt) revert ITrainingTasks.TrainingTasksClaimsClosed(taskId, closesAt);
        BitMaps.BitMap storage claimed = task.claimedLeaves;
        if (claimed.get(index)) revert ITrainingTasks.TrainingTasksAlreadyClaimed(taskId, index);
        if (!MerkleProof.verifyCalldata(proof, task.payoutRoot, PayoutLeaf.hash(index, account, amount))) {
            revert ITrainingTasks.TrainingTasksInvalidProof(taskId, account, amount);
        }
        uint256 claimedTotal = task.claimed + amount;
        if (claimedTotal > task.payoutTotal) {
            revert ITrainingTasks.TrainingTasksClaimExceedsTotal(taskId, claimedTotal, task.payoutTotal);
        }

        claimed.set(index);
        task.claimed = uint128(claimedTotal);
        token = window.token;
    }

    /// @notice Marks msg.sender's stake withdrawn once the task is Settled, Disputed, Cancelled or Abandoned.
    /// @return stake The amount to return.
    function withdrawStake(Task.State storage task, uint256 taskId) external returns (uint128 stake) {
        Task.requireExists(task, taskId);
        ITrainingTasks.TaskStatus status = task.status;
        if (
            status != ITrainingTasks.TaskStatus.Settled && status != ITrainingTasks.TaskStatus.Disputed
                && status != ITrainingTasks.TaskStatus.Cancelled && status != ITrainingTasks.TaskStatus.Abandoned
        ) revert ITrainingTasks.TrainingTasksWrongStatus(taskId, status);
        ITrainingTasks.Member storage member = task.members[msg.sender];
        if (member.joinIndex == 0) revert ITrainingTasks.TrainingTasksNotMember(taskId, msg.sender);
        if (member.slashed || member.stakeWithdrawn) {
            revert ITrainingTasks.TrainingTasksNothingToWithdraw(taskId, msg.sender);
        }

        stake = task.params.stake;
        member.stakeWithdrawn = true;
        task.stakesWithdrawn += stake;
    }

    /// @notice Records the creator's refund (creator checked by the caller): the budget of a cancelled task, the
    /// pool of an abandoned one, pool − total of a settled one once claims are open, pool − claimed once the claim
    /// period is over.
    /// @return amount What is owed now beyond earlier refunds.
    function withdrawRefund(Task.State storage task, uint256 taskId) external returns (uint256 amount) {
        uint256 owed;
        ITrainingTasks.TaskStatus status = task.status;
        if (status == ITrainingTasks.TaskStatus.Cancelled) {
            owed = task.params.budget;
        } else if (status == ITrainingTasks.TaskStatus.Abandoned) {
            owed = Task.pool(task);
        } else if (status == ITrainingTasks.TaskStatus.Settled || status == ITrainingTasks.TaskStatus.Disputed) {
            // Disputed: claimsOpenAt is the resolve deadline, after which the original settlement stands.
            uint64 opensAt = task.claimsOpenAt;
            if (block.timestamp < opensAt) revert ITrainingTasks.TrainingTasksClaimsNotOpen(taskId, opensAt);
            // Once the claim period is over, what was not claimed will never be: it returns to the creator.
            bool expired = block.timestamp >= opensAt + task.params.claimPeriod;
            owed = Task.pool(task) - (expired ? task.claimed : task.payoutTotal);
        } else {
            revert ITrainingTasks.TrainingTasksWrongStatus(taskId, status);
        }
        amount = owed - task.refunded;
        if (amount == 0) revert ITrainingTasks.TrainingTasksNothingToWithdraw(taskId, msg.sender);
        task.refunded = uint128(owed);
    }

    function _checkPayout(Task.State storage task, uint256 taskId, bytes32 payoutRoot, uint256 total) private view {
        if (payoutRoot == bytes32(0)) revert ITrainingTasks.TrainingTasksZeroRoot();
        uint256 pool = Task.pool(task);
        if (total > pool) revert ITrainingTasks.TrainingTasksPayoutExceedsPool(taskId, total, pool);
    }
}
