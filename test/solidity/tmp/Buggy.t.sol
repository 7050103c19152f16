// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
import {DatasetIndex} from "../../../contracts/DatasetIndex.sol";
import {TrainingTasks} from "../../../contracts/TrainingTasks.sol";
import {TrainingTasksInvariantTest} from "../TrainingTasksInvariant.t.sol";
import {BuggyTrainingTasks} from "./BuggyTrainingTasks.sol";
contract BuggyInvariantTest is TrainingTasksInvariantTest {
    function _deployTasks(DatasetIndex index_) internal override returns (TrainingTasks) {
        return TrainingTasks(address(new BuggyTrainingTasks(index_)));
    }
}
