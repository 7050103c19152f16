// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITrainingTasks} from "../interfaces/ITrainingTasks.sol";
import {Task} from "./Task.sol";
import {RoundSchedule} from "./RoundSchedule.sol";

/// @title RoundFinalize
/// @notice How a round attempt ends: finalized (next round or the task finishes), restarted with fresh seeds, or —
/// when its deadlines pass — the task abandoned; and who is dropped (slashed) on the way, on objective facts only.
/// @dev External functions, linked at deployment and run by DELEGATECALL in TrainingTasks' context. The caller
/// (TrainingTasks) checks the aggregator role; events and token movements stay there.
library RoundFinalize {
    /// @dev Attempts per round (the first run + 2 re-runs).
    uint16 internal constant MAX_ATTEMPTS = 3;

    /// @notice Finalizes the current attempt of `round` (Running, current round checked by the caller): drops
    /// (slashes) `dropped`, who must be exactly the active members without an update, then starts the next round
    /// or finishes the task.
    /// @return submissions The attempt's submission count.
    /// @return finished Whether this was the last round (the task is now Finished).
    function finalize(Task.State storage task, uint256 taskId, uint16 round, address[] calldata dropped)
        external
        returns (uint16 submissions, bool finished)
    {
        ITrainingTasks.RoundState storage state = task.rounds[round];
        submissions = _checkFinalizable(task, taskId, state, round);
        // Whoever has no update is dropped now, so no later round waits for it: then every active member submitted.
        _drop(task, taskId, round, dropped);
        if (task.activeMembers != submissions) {
            revert ITrainingTasks.TrainingTasksMissingDropouts(taskId, round, task.activeMembers, submissions);
        }

        state.finalized = true;
        finished = round == task.params.rounds;
        if (finished) {
            task.status = ITrainingTasks.TaskStatus.Finished;
            task.settleDeadline = uint64(block.timestamp) + task.params.aggregatorWindow;
        } else {
            task.currentRound = round + 1;
            Task.startRound(task, round + 1, 0);
        }
    }

    /// @notice Re-runs the current round (Running checked by the caller) with fresh seeds after its reveal window,
    /// dropping (slashing) `dropped`, who must be exactly the members that missed the attempt.
    /// @return round The round re-run.
    /// @return attempt The new attempt.
    function restart(Task.State storage task, uint256 taskId, address[] calldata dropped)
        external
        returns (uint16 round, uint16 attempt)
    {
        round = task.currentRound;
        ITrainingTasks.RoundState storage state = task.rounds[round];
        ITrainingTasks.TaskParams storage p = task.params;
        uint64 revealDeadline = RoundSchedule.revealDeadline(state.start, p.roundDuration, p.revealDuration);
        if (block.timestamp <= revealDeadline) revert ITrainingTasks.TrainingTasksTooEarly(taskId, revealDeadline + 1);
        uint64 finalizeDeadline = revealDeadline + p.aggregatorWindow;
        if (block.timestamp > finalizeDeadline) {
            revert ITrainingTasks.TrainingTasksRoundClosed(taskId, round, finalizeDeadline);
        }
        // The aggregator may re-run a round it cannot aggregate even when the counters say it could (a stored
        // update can be corrupt or unavailable, which the chain cannot see); the attempt cap bounds how long it can
        // keep a task alive that way.
        if (state.attempt + 1 >= MAX_ATTEMPTS) {
            revert ITrainingTasks.TrainingTasksTooManyAttempts(taskId, round, MAX_ATTEMPTS);
        }
        // Drop who missed this attempt (no update; or no reveal while some member dropped); the rest must be exactly
        // the members that did their part, so the re-run waits for nobody who already failed.
        _drop(task, taskId, round, dropped);
        uint16 expected = state.submissions < state.members ? state.reveals : state.submissions;
        if (task.activeMembers != expected) {
            revert ITrainingTasks.TrainingTasksMissingDropouts(taskId, round, task.activeMembers, expected);
        }
        // Too few members left (slashed) to ever finalize: refuse to re-run, so the task runs into its finalize
        // deadline and can be abandoned instead of holding the stakes forever.
        uint16 required = Task.minSubmissions(task.kind);
        if (task.activeMembers < required) {
            revert ITrainingTasks.TrainingTasksNotEnoughMembers(taskId, task.activeMembers, required);
        }

        attempt = state.attempt + 1;
        Task.startRound(task, round, attempt);
    }

    /// @notice Slashes `node` for missing `round` of a Running or Finished task (see {_missedRound}).
    function slash(Task.State storage task, uint256 taskId, uint16 round, address node) external {
        _requireSlashable(task, taskId);
        _dropOne(task, taskId, round, node, task.params.stake);
    }

    /// @notice {slash} for every node in `nodes`.
    function slashMany(Task.State storage task, uint256 taskId, uint16 round, address[] calldata nodes) external {
        _requireSlashable(task, taskId);
        _drop(task, taskId, round, nodes);
    }

    /// @notice Marks a task Abandoned once the aggregator missed its finalize deadline (Running), or nobody settled
    /// a Finished task by the settle deadline plus one aggregator window (the members' turn).
    function abandon(Task.State storage task, uint256 taskId) external {
        Task.requireExists(task, taskId);
        uint64 deadline;
        ITrainingTasks.TaskParams storage p = task.params;
        if (task.status == ITrainingTasks.TaskStatus.Running) {
            ITrainingTasks.RoundState storage round = task.rounds[task.currentRound];
            deadline =
                RoundSchedule.finalizeDeadline(round.start, p.roundDuration, p.revealDuration, p.aggregatorWindow);
        } else if (task.status == ITrainingTasks.TaskStatus.Finished) {
            // After the aggregator's settle deadline, members have one more aggregator window to settle.
            deadline = task.settleDeadline + p.aggregatorWindow;
        } else {
            revert ITrainingTasks.TrainingTasksWrongStatus(taskId, task.status);
        }
        if (block.timestamp <= deadline) revert ITrainingTasks.TrainingTasksDeadlineNotMissed(taskId, deadline);
        task.status = ITrainingTasks.TaskStatus.Abandoned;
    }

    /// @dev The round can be finalized now: inside its finalize window, with enough submissions, and — when some
    /// member dropped — after the submit deadline with every submitter's reveal (or the masks cannot be removed).
    function _checkFinalizable(
        Task.State storage task,
        uint256 taskId,
        ITrainingTasks.RoundState storage state,
        uint16 round
    ) private view returns (uint16 submissions) {
        ITrainingTasks.TaskParams storage p = task.params;
        uint64 finalizeDeadline =
            RoundSchedule.finalizeDeadline(state.start, p.roundDuration, p.revealDuration, p.aggregatorWindow);
        if (block.timestamp > finalizeDeadline) {
            revert ITrainingTasks.TrainingTasksRoundClosed(taskId, round, finalizeDeadline);
        }
        submissions = state.submissions;
        uint16 required = Task.minSubmissions(task.kind);
        if (submissions < required) {
            revert ITrainingTasks.TrainingTasksNotEnoughSubmissions(taskId, round, submissions, required);
        }
        if (submissions < state.members) {
            uint64 submitDeadline = RoundSchedule.submitDeadline(state.start, p.roundDuration);
            if (block.timestamp <= submitDeadline) {
                revert ITrainingTasks.TrainingTasksTooEarly(taskId, submitDeadline + 1);
            }
            if (task.kind == ITrainingTasks.TaskKind.FL && state.reveals < submissions) {
                revert ITrainingTasks.TrainingTasksMissingReveals(taskId, round, state.reveals, submissions);
            }
        }
    }

    /// @dev Slashing is about rounds: only a Running or Finished task has members to slash.
    function _requireSlashable(Task.State storage task, uint256 taskId) private view {
        Task.requireExists(task, taskId);
        ITrainingTasks.TaskStatus status = task.status;
        if (status != ITrainingTasks.TaskStatus.Running && status != ITrainingTasks.TaskStatus.Finished) {
            revert ITrainingTasks.TrainingTasksWrongStatus(taskId, status);
        }
    }

    /// @dev Slashes every listed member for missing `round`: its stake joins the reward pool.
    function _drop(Task.State storage task, uint256 taskId, uint16 round, address[] calldata nodes) private {
        uint128 stake = task.params.stake;
        for (uint256 i = 0; i < nodes.length; ++i) {
            _dropOne(task, taskId, round, nodes[i], stake);
        }
    }

    function _dropOne(Task.State storage task, uint256 taskId, uint16 round, address node, uint128 stake) private {
        ITrainingTasks.Member storage member = Task.activeMember(task, taskId, node);
        if (!_missedRound(task, node, round)) revert ITrainingTasks.TrainingTasksNotSlashable(taskId, node, round);
        member.slashed = true;
        task.activeMembers -= 1;
        task.slashed += stake;
    }

    /// @dev Objective facts only: a missing update in the round's attempt after its submit deadline (or in a
    /// finalized round), or a missing reveal after the reveal deadline of an attempt in which some member dropped.
    function _missedRound(Task.State storage task, address node, uint16 round) private view returns (bool) {
        if (round == 0 || round > task.currentRound) return false;
        ITrainingTasks.RoundState storage state = task.rounds[round];
        uint256 roundKey = RoundSchedule.key(round, state.attempt);
        bool submitted = task.updates[roundKey][node] != bytes32(0);
        if (state.finalized) return !submitted;
        ITrainingTasks.TaskParams storage p = task.params;
        if (!submitted) return block.timestamp > RoundSchedule.submitDeadline(state.start, p.roundDuration);
        return state.submissions < state.members && task.reveals[roundKey][node] == bytes32(0)
            && block.timestamp > RoundSchedule.revealDeadline(state.start, p.roundDuration, p.revealDuration);
    }
}
