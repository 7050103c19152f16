// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {ITrainingTasks} from "../interfaces/ITrainingTasks.sol";

/// @title Task
/// @notice Everything the contract stores about one task, in one `Task.State` (like v4-core's `Pool.State`), and the
/// small lookups every flow library shares. The flow rules live in TaskTerms, TaskJoin, RoundSubmissions,
/// RoundFinalize and Settlement, each operating on a `Task.State storage`.
library Task {
    using BitMaps for BitMaps.BitMap;

    /// @dev What `claim` needs besides the root and totals, in one slot (token 20 B | opensAt 8 B | claimPeriod
    /// 4 B), so a claim reads three slots instead of five. Written by settle; a dispute moves opensAt to the
    /// resolve deadline, a resolution to its own time. opensAt == 0: no settlement yet.
    struct ClaimWindow {
        IERC20 token;
        uint64 opensAt;
        uint32 claimPeriod;
    }

    /// @dev Packing: slot 0 = creator | status | kind | currentRound | activeMembers (26 B);
    /// slot 1 = settleDeadline | claimsOpenAt | slashed; slot 2 = staked | stakesWithdrawn;
    /// slot 3 = payoutTotal | claimed; slot 4 = refunded; slot 5 = payoutRoot; then the params, the claim window,
    /// the FHE key id and the per-member, per-round and per-leaf mappings.
    struct State {
        address creator;
        ITrainingTasks.TaskStatus status;
        ITrainingTasks.TaskKind kind;
        uint16 currentRound;
        uint16 activeMembers;
        uint64 settleDeadline;
        uint64 claimsOpenAt;
        uint128 slashed;
        uint128 staked;
        uint128 stakesWithdrawn;
        uint128 payoutTotal;
        uint128 claimed;
        uint128 refunded;
        bytes32 payoutRoot;
        ITrainingTasks.TaskParams params;
        ClaimWindow claimWindow;
        /// @dev FHE tasks: the key every input is encrypted under (a committee's collective key id or a single
        /// holder's); zero for FL tasks. Read by FheCommittees to find the committee that decrypts the result.
        bytes32 fheKeyId;
        mapping(address node => ITrainingTasks.Member) members;
        mapping(uint16 round => ITrainingTasks.RoundState) rounds;
        mapping(uint256 roundKey => mapping(address node => bytes32 updateRoot)) updates;
        mapping(uint256 roundKey => mapping(address node => bytes32 revealRoot)) reveals;
        BitMaps.BitMap claimedLeaves;
        /// @dev keccak256(payoutRoot, total) of every payout proposed by a dispute: the resolver's candidates.
        mapping(bytes32 proposal => bool) proposals;
    }

    /// @dev FL rounds need this many submissions (a pairwise-masked sum of fewer would reveal too much).
    uint16 internal constant FL_MIN_SUBMISSIONS = 3;

    /// @dev Reverts unless the task exists.
    function requireExists(State storage task, uint256 taskId) internal view {
        if (task.status == ITrainingTasks.TaskStatus.None) revert ITrainingTasks.TrainingTasksUnknownTask(taskId);
    }

    /// @dev Reverts unless the task exists and is in `status`.
    function requireStatus(State storage task, uint256 taskId, ITrainingTasks.TaskStatus status) internal view {
        requireExists(task, taskId);
        if (task.status != status) revert ITrainingTasks.TrainingTasksWrongStatus(taskId, task.status);
    }

    /// @dev Reverts unless the task is Running and `round` is its current round.
    function requireCurrentRound(State storage task, uint256 taskId, uint16 round) internal view {
        requireStatus(task, taskId, ITrainingTasks.TaskStatus.Running);
        if (round != task.currentRound) revert ITrainingTasks.TrainingTasksWrongRound(taskId, round, task.currentRound);
    }

    /// @dev A joined member that was not slashed.
    function activeMember(State storage task, uint256 taskId, address node)
        internal
        view
        returns (ITrainingTasks.Member storage member)
    {
        member = task.members[node];
        if (member.joinIndex == 0 || member.slashed) revert ITrainingTasks.TrainingTasksNotMember(taskId, node);
    }

    /// @dev A member whose stake is still in the task (joined, not slashed, not withdrawn).
    function hasStake(ITrainingTasks.Member storage member) internal view returns (bool) {
        return member.joinIndex != 0 && !member.slashed && !member.stakeWithdrawn;
    }

    /// @dev What the task can pay out: the budget plus the slashed stakes.
    function pool(State storage task) internal view returns (uint256) {
        return uint256(task.params.budget) + task.slashed;
    }

    /// @dev While Disputed, claimsOpenAt holds the resolve deadline = challenge end + challenge window.
    function challengeEnd(State storage task) internal view returns (uint64) {
        return task.status == ITrainingTasks.TaskStatus.Disputed
            ? task.claimsOpenAt - task.params.challengeWindow
            : task.claimsOpenAt;
    }

    /// @dev FL needs {FL_MIN_SUBMISSIONS} per round, FHE one (its single compute node).
    function minSubmissions(ITrainingTasks.TaskKind kind) internal pure returns (uint16) {
        return kind == ITrainingTasks.TaskKind.FL ? FL_MIN_SUBMISSIONS : 1;
    }

    /// @dev Starts attempt `attempt` of `round` now, with the task's active members.
    function startRound(State storage task, uint16 round, uint16 attempt) internal {
        task.rounds[round] = ITrainingTasks.RoundState({
            start: uint64(block.timestamp),
            attempt: attempt,
            members: task.activeMembers,
            submissions: 0,
            reveals: 0,
            finalized: false,
            samples: 0
        });
    }

    /// @dev Key of a proposed payout in {State.proposals}.
    function proposalKey(bytes32 payoutRoot, uint256 total) internal pure returns (bytes32) {
        return keccak256(abi.encode(payoutRoot, total));
    }

    /// @dev Whether payout leaf `index` was claimed.
    function isClaimed(State storage task, uint256 index) internal view returns (bool) {
        return task.claimedLeaves.get(index);
    }
}
