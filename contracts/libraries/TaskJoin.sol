// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDatasetIndex} from "../interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../interfaces/ITrainingTasks.sol";
import {Task} from "./Task.sol";

/// @title TaskJoin
/// @notice Membership of an open task: who may join (and with which dataset), when it starts, when it is cancelled.
/// @dev External functions, linked at deployment and run by DELEGATECALL in TrainingTasks' context (msg.sender is
/// the caller of TrainingTasks). Events and token movements stay in TrainingTasks.
library TaskJoin {
    /// @notice Records msg.sender as a member of an Open task with `datasetId` and adds its stake; starts round 1
    /// when the task becomes full.
    /// @return started Whether this join filled the task and started round 1.
    function join(Task.State storage task, uint256 taskId, uint256 datasetId, IDatasetIndex index)
        external
        returns (bool started)
    {
        Task.requireStatus(task, taskId, ITrainingTasks.TaskStatus.Open);
        ITrainingTasks.TaskParams storage params = task.params;
        if (block.timestamp > params.joinDeadline) {
            revert ITrainingTasks.TrainingTasksJoinClosed(taskId, params.joinDeadline);
        }
        ITrainingTasks.Member storage member = task.members[msg.sender];
        if (member.joinIndex != 0) revert ITrainingTasks.TrainingTasksAlreadyMember(taskId, msg.sender);
        // The resolver decides disputes about members' payouts: it may not be one.
        if (msg.sender == params.resolver) revert ITrainingTasks.TrainingTasksInvalidResolver(msg.sender);
        uint16 members = task.activeMembers;
        if (members >= params.maxNodes) revert ITrainingTasks.TrainingTasksTaskFull(taskId, params.maxNodes);
        if (task.kind == ITrainingTasks.TaskKind.FL) {
            _checkMemberDataset(index, taskId, datasetId, params.schemaId);
        } else if (datasetId != 0) {
            revert ITrainingTasks.TrainingTasksDatasetMismatch(taskId, datasetId);
        }

        members += 1;
        member.datasetId = uint64(datasetId);
        member.joinIndex = members;
        task.activeMembers = members;
        task.staked += params.stake;
        started = members == params.maxNodes;
        if (started) _start(task);
    }

    /// @notice Starts round 1 of an Open task with at least minNodes members: by its creator at any time, by anyone
    /// after the join deadline.
    function start(Task.State storage task, uint256 taskId) external {
        Task.requireStatus(task, taskId, ITrainingTasks.TaskStatus.Open);
        uint64 joinDeadline = task.params.joinDeadline;
        if (block.timestamp <= joinDeadline && msg.sender != task.creator) {
            revert ITrainingTasks.TrainingTasksTooEarly(taskId, joinDeadline + 1);
        }
        if (task.activeMembers < task.params.minNodes) {
            revert ITrainingTasks.TrainingTasksNotEnoughMembers(taskId, task.activeMembers, task.params.minNodes);
        }
        _start(task);
    }

    /// @notice Cancels an Open task: by its creator, or by anyone after the join deadline when too few joined.
    function cancel(Task.State storage task, uint256 taskId) external {
        Task.requireStatus(task, taskId, ITrainingTasks.TaskStatus.Open);
        if (msg.sender != task.creator) {
            if (block.timestamp <= task.params.joinDeadline) {
                revert ITrainingTasks.TrainingTasksNotCreator(taskId, msg.sender);
            }
            if (task.activeMembers >= task.params.minNodes) {
                revert ITrainingTasks.TrainingTasksWrongStatus(taskId, ITrainingTasks.TaskStatus.Open);
            }
        }
        task.status = ITrainingTasks.TaskStatus.Cancelled;
    }

    function _start(Task.State storage task) private {
        task.status = ITrainingTasks.TaskStatus.Running;
        task.currentRound = 1;
        Task.startRound(task, 1, 0);
    }

    /// @dev An FL member brings a dataset it owns, of the task's schema, not retired.
    function _checkMemberDataset(IDatasetIndex index, uint256 taskId, uint256 datasetId, uint32 schemaId)
        private
        view
    {
        if (datasetId == 0 || datasetId > index.datasetCount()) {
            revert ITrainingTasks.TrainingTasksDatasetMismatch(taskId, datasetId);
        }
        IDatasetIndex.Dataset memory dataset = index.getDataset(datasetId);
        if (dataset.owner != msg.sender || dataset.retired || dataset.schemaId != schemaId) {
            revert ITrainingTasks.TrainingTasksDatasetMismatch(taskId, datasetId);
        }
    }
}
