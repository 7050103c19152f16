// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITrainingTasks} from "../interfaces/ITrainingTasks.sol";
import {Task} from "./Task.sol";
import {RoundSchedule} from "./RoundSchedule.sol";

/// @title RoundSubmissions
/// @notice What members commit during a round attempt: their (masked) update before the submit deadline, and —
/// when some member dropped — the seeds they shared with it, inside the reveal window.
/// @dev Internal functions, inlined into TrainingTasks: submissions and reveals are the hot path (every member,
/// every round), and a linked library call would add ~3,200 gas to each (measured in snapshots/gas.json) for ~2 kB
/// of bytecode. Events stay in TrainingTasks.
library RoundSubmissions {
    /// @dev Cap on one submission's sample count: with at most 2^16 - 1 members the round sum fits its uint64, so
    /// no member can make the others' submissions overflow (and get them slashed).
    uint64 private constant _MAX_SAMPLES = type(uint48).max;

    /// @notice Records msg.sender's update root for the current attempt of `round`.
    /// @return attempt The attempt the update belongs to.
    function submitUpdate(Task.State storage task, uint256 taskId, uint16 round, bytes32 updateRoot, uint64 samples)
        internal
        returns (uint16 attempt)
    {
        if (updateRoot == bytes32(0)) revert ITrainingTasks.TrainingTasksZeroRoot();
        if (samples > _MAX_SAMPLES) revert ITrainingTasks.TrainingTasksInvalidParam(ITrainingTasks.Param.Samples);
        Task.requireCurrentRound(task, taskId, round);
        ITrainingTasks.RoundState storage state = task.rounds[round];
        Task.activeMember(task, taskId, msg.sender);
        uint64 deadline = RoundSchedule.submitDeadline(state.start, task.params.roundDuration);
        if (block.timestamp > deadline) revert ITrainingTasks.TrainingTasksRoundClosed(taskId, round, deadline);
        attempt = state.attempt;
        mapping(address => bytes32) storage updates = task.updates[RoundSchedule.key(round, attempt)];
        if (updates[msg.sender] != bytes32(0)) {
            revert ITrainingTasks.TrainingTasksAlreadySubmitted(taskId, round, msg.sender);
        }

        updates[msg.sender] = updateRoot;
        state.submissions += 1;
        state.samples += samples;
    }

    /// @notice Records msg.sender's reveal root for the current attempt of `round`.
    /// @return attempt The attempt the reveal belongs to.
    function revealSeeds(Task.State storage task, uint256 taskId, uint16 round, bytes32 revealRoot)
        internal
        returns (uint16 attempt)
    {
        if (revealRoot == bytes32(0)) revert ITrainingTasks.TrainingTasksZeroRoot();
        Task.requireCurrentRound(task, taskId, round);
        ITrainingTasks.RoundState storage state = task.rounds[round];
        attempt = state.attempt;
        uint256 roundKey = RoundSchedule.key(round, attempt);
        if (task.updates[roundKey][msg.sender] == bytes32(0)) {
            revert ITrainingTasks.TrainingTasksNotSubmitted(taskId, round, msg.sender);
        }
        if (state.submissions >= state.members) revert ITrainingTasks.TrainingTasksNoDropouts(taskId, round);
        ITrainingTasks.TaskParams storage p = task.params;
        uint64 submitDeadline = RoundSchedule.submitDeadline(state.start, p.roundDuration);
        if (block.timestamp <= submitDeadline) revert ITrainingTasks.TrainingTasksTooEarly(taskId, submitDeadline + 1);
        uint64 revealDeadline = RoundSchedule.revealDeadline(state.start, p.roundDuration, p.revealDuration);
        if (block.timestamp > revealDeadline) {
            revert ITrainingTasks.TrainingTasksRoundClosed(taskId, round, revealDeadline);
        }
        mapping(address => bytes32) storage reveals = task.reveals[roundKey];
        if (reveals[msg.sender] != bytes32(0)) {
            revert ITrainingTasks.TrainingTasksAlreadySubmitted(taskId, round, msg.sender);
        }

        reveals[msg.sender] = revealRoot;
        state.reveals += 1;
    }
}
