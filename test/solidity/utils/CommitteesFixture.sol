// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DatasetIndex} from "../../../contracts/DatasetIndex.sol";
import {TrainingTasks} from "../../../contracts/TrainingTasks.sol";
import {FheCommittees} from "../../../contracts/FheCommittees.sol";
import {RewardToken} from "../../../contracts/RewardToken.sol";
import {IDatasetIndex} from "../../../contracts/interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../../../contracts/interfaces/ITrainingTasks.sol";
import {IFheCommittees} from "../../../contracts/interfaces/IFheCommittees.sol";
import {TestBase} from "./Vm.sol";

/// @notice DatasetIndex + TrainingTasks + FheCommittees, and the steps the committee tests share: a committee set up
/// to Active, and an FHE task under its key whose compute node submitted the encrypted result. Used by the fuzz
/// tests (deployed in setUp) and the invariant handler (deployed in its constructor).
abstract contract CommitteesFixture is TestBase {
    uint32 internal constant ROUND = 1 hours;
    uint32 internal constant REVEAL = 30 minutes;
    uint32 internal constant AGG_WINDOW = 1 hours;
    uint32 internal constant MIN_UNBONDING = 1 minutes;
    uint32 internal constant MAX_UNBONDING = 30 days;
    uint32 internal constant MAX_SETUP = 7 days;

    DatasetIndex internal index;
    TrainingTasks internal tasks;
    FheCommittees internal committees;
    RewardToken internal token;
    uint32 internal schemaId;
    address internal taskCreator = address(0xC0FFEE);
    address internal aggregator = address(0xA66);
    address internal computeNode = address(0xC0DE);
    address internal contributor = address(0xDA7A);

    function _deploy() internal {
        index = new DatasetIndex();
        tasks = new TrainingTasks(
            index,
            ITrainingTasks.TermLimits({
                minWindow: 1 minutes,
                maxWindow: 7 days,
                minChallengeWindow: 1 minutes,
                maxChallengeWindow: 7 days,
                maxJoinPeriod: 30 days,
                minClaimPeriod: 1 hours,
                maxClaimPeriod: 365 days
            })
        );
        committees = new FheCommittees(tasks, _committeeLimits());
        token = new RewardToken(address(this));
        schemaId = uint32(index.registerSchema(keccak256("schema"), "0g://schema"));
    }

    function _committeeLimits() internal pure returns (IFheCommittees.CommitteeLimits memory) {
        return IFheCommittees.CommitteeLimits({
            maxSetupPeriod: MAX_SETUP,
            minUnbondingPeriod: MIN_UNBONDING,
            maxUnbondingPeriod: MAX_UNBONDING
        });
    }

    function _terms(IERC20 stakeToken, uint128 stake, uint16 n, uint32 unbonding)
        internal
        view
        returns (IFheCommittees.CommitteeParams memory)
    {
        return IFheCommittees.CommitteeParams({
            stakeToken: stakeToken,
            stake: stake,
            setupDeadline: uint64(block.timestamp + 1 days),
            unbondingPeriod: unbonding,
            threshold: n
        });
    }

    /// @dev The key id the members of `committeeId` agree on in these tests.
    function _keyId(uint256 committeeId) internal pure returns (bytes32) {
        return keccak256(abi.encode("collective key", committeeId));
    }

    function _keysRoot(uint256 committeeId) internal pure returns (bytes32) {
        return keccak256(abi.encode("keys file", committeeId));
    }

    /// @dev `member` gets `stake` of the committee's token, approves it and commits.
    function _commit(uint256 committeeId, address member) internal {
        IFheCommittees.Committee memory c = committees.getCommittee(committeeId);
        _fund(c.stakeToken, member, c.stake);
        vm.prank(member);
        committees.commitKeyShare(committeeId, keccak256(abi.encode("key share", committeeId, member)));
    }

    function _fund(IERC20 stakeToken, address member, uint256 amount) internal virtual {
        RewardToken(address(stakeToken)).mint(member, amount);
        vm.prank(member);
        stakeToken.approve(address(committees), amount);
    }

    function _confirm(uint256 committeeId, address member) internal {
        vm.prank(member);
        committees.confirmKeys(committeeId, _keyId(committeeId), _keysRoot(committeeId));
    }

    /// @dev A committee of `members` in `token`, every member committed and confirmed: Active.
    function _active(address[] memory members, uint128 stake, uint32 unbonding) internal returns (uint256 committeeId) {
        committeeId = committees.createCommittee(members, _terms(IERC20(address(token)), stake, uint16(members.length), unbonding));
        for (uint256 i = 0; i < members.length; ++i) _commit(committeeId, members[i]);
        for (uint256 i = 0; i < members.length; ++i) _confirm(committeeId, members[i]);
    }

    /// @dev An FHE task over one dataset under `keyId`, created by taskCreator, whose compute node submitted its
    /// result (round 1, attempt 0). Returns the task and its share deadline (the attempt's reveal deadline).
    function _taskWithResult(bytes32 keyId) internal returns (uint256 taskId, uint64 deadline) {
        bytes32 root = keccak256(abi.encode("cipher", keyId, tasks.taskCount()));
        vm.prank(contributor);
        uint256 datasetId = index.registerDataset(schemaId, root, keccak256("manifest"), 100, IDatasetIndex.Encryption.CKKS, keyId, "");
        ITrainingTasks.FheInput[] memory inputs = new ITrainingTasks.FheInput[](1);
        inputs[0] = ITrainingTasks.FheInput({datasetId: datasetId, root: root, manifestRoot: keccak256("manifest"), rows: 100});
        uint128 budget = 1e18;
        token.mint(taskCreator, budget);
        vm.startPrank(taskCreator);
        token.approve(address(tasks), budget);
        taskId = tasks.createTask(_fheParams(budget), inputs, keyId);
        vm.stopPrank();
        vm.startPrank(computeNode);
        tasks.joinTask(taskId, 0, keccak256("sa"));
        tasks.submitUpdate(taskId, 1, keccak256(abi.encode("result", taskId)), 0);
        vm.stopPrank();
        deadline = uint64(block.timestamp) + ROUND + REVEAL;
    }

    function _fheParams(uint128 budget) internal view returns (ITrainingTasks.TaskParams memory) {
        return ITrainingTasks.TaskParams({
            kind: ITrainingTasks.TaskKind.FHE,
            schemaId: schemaId,
            modelRoot: keccak256("program"),
            rounds: 1,
            minNodes: 1,
            maxNodes: 1,
            stake: 0,
            rewardToken: IERC20(address(token)),
            budget: budget,
            joinDeadline: uint64(block.timestamp + 1 days),
            roundDuration: ROUND,
            revealDuration: REVEAL,
            aggregatorWindow: AGG_WINDOW,
            challengeWindow: 1 hours,
            claimPeriod: 1 days,
            aggregator: aggregator,
            resolver: address(0x5E77),
            dataShareBps: 3000,
            computeDecayBps: 9500,
            dataDecayBps: 7000
        });
    }
}
