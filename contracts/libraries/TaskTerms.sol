// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDatasetIndex} from "../interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../interfaces/ITrainingTasks.sol";
import {Task} from "./Task.sol";

/// @title TaskTerms
/// @notice The rules of a new task: which parameters a creator may choose (bounded by the deployment's
/// {ITrainingTasks.TermLimits}), which datasets an FHE task may compute on, and the task's initial state.
/// @dev External functions: linked at deployment and called by DELEGATECALL, so their code is not part of
/// TrainingTasks' bytecode (EIP-170). They run in TrainingTasks' context (msg.sender is the caller of createTask).
library TaskTerms {
    uint16 private constant _BPS = 10_000;
    /// @dev The reward algorithm's exact round weights are defined up to round 1000 (src/rewards MAX_ROUND).
    uint16 private constant _MAX_ROUNDS = 1000;

    // `limits` stays in memory (solhint's gas-calldata-parameters): measured, calldata costs createTask ~720 gas more.
    // solhint-disable gas-calldata-parameters
    /// @notice Checks a creator's parameters and records the task as Open, created by msg.sender.
    /// @dev Reverts with {ITrainingTasks.TrainingTasksInvalidParam}, {ITrainingTasks.TrainingTasksTermOutOfRange} or
    /// {ITrainingTasks.TrainingTasksInvalidResolver}; the FHE inputs are checked by {checkFheInputs}.
    function create(
        Task.State storage task,
        ITrainingTasks.TaskParams calldata p,
        uint256 fheInputCount,
        ITrainingTasks.TermLimits memory limits,
        IDatasetIndex index
    ) external {
        _checkParams(p, fheInputCount, limits, index);
        task.creator = msg.sender;
        task.status = ITrainingTasks.TaskStatus.Open;
        task.kind = p.kind;
        task.params = p;
    }
    // solhint-enable gas-calldata-parameters

    /// @notice The input datasets of an FHE task: each CKKS-encrypted under `keyId`, of the task's schema, not
    /// retired and committed exactly as given. Returns their ids (for {ITrainingTasks.FheInputsSet}).
    function checkFheInputs(
        IDatasetIndex index,
        uint256 taskId,
        uint32 schemaId,
        ITrainingTasks.FheInput[] calldata inputs,
        bytes32 keyId
    ) external view returns (uint256[] memory ids) {
        ids = new uint256[](inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) {
            ITrainingTasks.FheInput calldata input = inputs[i];
            IDatasetIndex.Dataset memory dataset = index.getDataset(input.datasetId);
            if (
                dataset.retired || dataset.schemaId != schemaId || dataset.encryption != IDatasetIndex.Encryption.CKKS
                    || !index.isCommitted(input.datasetId, input.root, input.manifestRoot, input.rows, keyId)
            ) revert ITrainingTasks.TrainingTasksDatasetMismatch(taskId, input.datasetId);
            ids[i] = input.datasetId;
        }
    }

    function _checkParams(
        ITrainingTasks.TaskParams calldata p,
        uint256 fheInputCount,
        ITrainingTasks.TermLimits memory limits,
        IDatasetIndex index
    ) private view {
        if (address(p.rewardToken) == address(0)) _invalid(ITrainingTasks.Param.RewardToken);
        if (p.aggregator == address(0)) _invalid(ITrainingTasks.Param.Aggregator);
        if (p.modelRoot == bytes32(0)) _invalid(ITrainingTasks.Param.ModelRoot);
        if (p.budget == 0) _invalid(ITrainingTasks.Param.Budget);
        // Everything a task can ever hold (budget + all stakes) must fit the uint128 accounting fields; otherwise
        // pool = budget + slashed could exceed 2^128 and truncate `refunded`/`payoutTotal` (repeatable refunds).
        if (uint256(p.budget) + uint256(p.stake) * p.maxNodes > type(uint128).max) _invalid(ITrainingTasks.Param.Escrow);
        if (p.rounds == 0 || p.rounds > _MAX_ROUNDS) _invalid(ITrainingTasks.Param.Rounds);
        if (p.joinDeadline <= block.timestamp) _invalid(ITrainingTasks.Param.JoinDeadline);
        _checkTerm(ITrainingTasks.Term.JoinPeriod, p.joinDeadline - block.timestamp, 1, limits.maxJoinPeriod);
        _checkTerm(ITrainingTasks.Term.RoundDuration, p.roundDuration, limits.minWindow, limits.maxWindow);
        _checkTerm(ITrainingTasks.Term.RevealDuration, p.revealDuration, limits.minWindow, limits.maxWindow);
        _checkTerm(ITrainingTasks.Term.AggregatorWindow, p.aggregatorWindow, limits.minWindow, limits.maxWindow);
        _checkTerm(
            ITrainingTasks.Term.ChallengeWindow, p.challengeWindow, limits.minChallengeWindow, limits.maxChallengeWindow
        );
        _checkTerm(ITrainingTasks.Term.ClaimPeriod, p.claimPeriod, limits.minClaimPeriod, limits.maxClaimPeriod);
        if (p.resolver == address(0) || p.resolver == msg.sender || p.resolver == p.aggregator) {
            revert ITrainingTasks.TrainingTasksInvalidResolver(p.resolver);
        }
        if (p.dataShareBps > _BPS || p.computeDecayBps > _BPS || p.dataDecayBps > _BPS) {
            _invalid(ITrainingTasks.Param.Bps);
        }
        if (p.computeDecayBps == 0 || p.dataDecayBps == 0) _invalid(ITrainingTasks.Param.Decay);
        if (p.schemaId == 0 || p.schemaId > index.schemaCount()) _invalid(ITrainingTasks.Param.Schema);
        if (p.kind == ITrainingTasks.TaskKind.FL) {
            if (p.minNodes < Task.FL_MIN_SUBMISSIONS || p.maxNodes < p.minNodes) _invalid(ITrainingTasks.Param.Nodes);
            if (fheInputCount != 0) _invalid(ITrainingTasks.Param.FheInputs);
        } else {
            if (p.rounds != 1 || p.minNodes != 1 || p.maxNodes != 1) _invalid(ITrainingTasks.Param.Nodes);
            if (fheInputCount == 0) _invalid(ITrainingTasks.Param.FheInputs);
        }
    }

    function _checkTerm(ITrainingTasks.Term term, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ITrainingTasks.TrainingTasksTermOutOfRange(term, value, min, max);
    }

    function _invalid(ITrainingTasks.Param param) private pure {
        revert ITrainingTasks.TrainingTasksInvalidParam(param);
    }
}
