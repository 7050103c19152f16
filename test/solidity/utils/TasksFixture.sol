// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DatasetIndex} from "../../../contracts/DatasetIndex.sol";
import {TrainingTasks} from "../../../contracts/TrainingTasks.sol";
import {RewardToken} from "../../../contracts/RewardToken.sol";
import {IDatasetIndex} from "../../../contracts/interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../../../contracts/interfaces/ITrainingTasks.sol";
import {TestBase} from "./Vm.sol";
import {Merkle} from "./Merkle.sol";

/// @notice Deployed contracts, funded actors and helpers that drive a task through its life cycle.
abstract contract TasksFixture is TestBase {
    uint256 internal constant NODES = 6;
    uint32 internal constant ROUND = 1 hours;
    uint32 internal constant REVEAL = 30 minutes;
    uint32 internal constant AGG_WINDOW = 1 days;
    uint32 internal constant CHALLENGE = 2 days;
    uint64 internal constant JOIN_WINDOW = 3 days;
    uint32 internal constant CLAIM_PERIOD = 30 days;

    DatasetIndex internal index;
    TrainingTasks internal tasks;
    RewardToken internal token;
    uint32 internal schemaId;
    address internal creator = address(0xC0FFEE);
    address internal aggregator = address(0xA66);
    address internal resolver = address(0x5E77);
    address[NODES] internal nodes;
    uint256[NODES] internal datasets;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        index = new DatasetIndex();
        tasks = _deployTasks(index);
        token = new RewardToken(address(this));
        schemaId = uint32(index.registerSchema(keccak256("schema"), "0g://schema"));
        for (uint256 i = 0; i < NODES; ++i) {
            nodes[i] = vm.addr(i + 1);
            vm.prank(nodes[i]);
            datasets[i] = index.registerDataset(
                schemaId, keccak256(abi.encode("data", i)), keccak256(abi.encode("manifest", i)), uint64(100 + i),
                IDatasetIndex.Encryption.None, bytes32(0), ""
            );
        }
    }

    /// @dev Overridden to run the same tests against a modified copy of the contract.
    function _deployTasks(DatasetIndex index_) internal virtual returns (TrainingTasks) {
        return new TrainingTasks(index_, _limits());
    }

    /// @dev The bounds a public deployment uses (scripts/hardhat/deploy.ts has the same for 0G networks).
    function _limits() internal pure returns (ITrainingTasks.TermLimits memory) {
        return ITrainingTasks.TermLimits({
            minWindow: 1 minutes,
            maxWindow: 7 days,
            minChallengeWindow: 1 hours,
            maxChallengeWindow: 7 days,
            maxJoinPeriod: 30 days,
            minClaimPeriod: 7 days,
            maxClaimPeriod: 365 days
        });
    }

    function _params(uint128 budget, uint128 stake, uint16 members, uint16 rounds)
        internal
        view
        returns (ITrainingTasks.TaskParams memory)
    {
        return ITrainingTasks.TaskParams({
            kind: ITrainingTasks.TaskKind.FL,
            schemaId: schemaId,
            modelRoot: keccak256("model"),
            rounds: rounds,
            minNodes: 3,
            maxNodes: members,
            stake: stake,
            rewardToken: IERC20(address(token)),
            budget: budget,
            joinDeadline: uint64(block.timestamp) + JOIN_WINDOW,
            roundDuration: ROUND,
            revealDuration: REVEAL,
            aggregatorWindow: AGG_WINDOW,
            challengeWindow: CHALLENGE,
            claimPeriod: CLAIM_PERIOD,
            aggregator: aggregator,
            resolver: resolver,
            dataShareBps: 3000,
            computeDecayBps: 9500,
            dataDecayBps: 7000
        });
    }

    function _create(ITrainingTasks.TaskParams memory p) internal returns (uint256 taskId) {
        token.mint(creator, p.budget);
        vm.startPrank(creator);
        token.approve(address(tasks), p.budget);
        taskId = tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        vm.stopPrank();
    }

    function _join(uint256 taskId, uint256 i) internal {
        uint128 stake = tasks.getTaskParams(taskId).stake;
        token.mint(nodes[i], stake);
        vm.startPrank(nodes[i]);
        token.approve(address(tasks), stake);
        tasks.joinTask(taskId, datasets[i], keccak256(abi.encode("sa", i)));
        vm.stopPrank();
    }

    /// @dev A running task: `members` nodes joined (the last join starts round 1).
    function _running(uint128 budget, uint128 stake, uint16 members, uint16 rounds) internal returns (uint256 taskId) {
        taskId = _create(_params(budget, stake, members, rounds));
        for (uint256 i = 0; i < members; ++i) _join(taskId, i);
    }

    function _submit(uint256 taskId, uint16 round, uint256 i) internal {
        vm.prank(nodes[i]);
        tasks.submitUpdate(taskId, round, keccak256(abi.encode("update", taskId, round, i)), 10);
    }

    function _reveal(uint256 taskId, uint16 round, uint256 i) internal {
        vm.prank(nodes[i]);
        tasks.revealSeeds(taskId, round, keccak256(abi.encode("reveal", taskId, round, i)));
    }

    function _finalize(uint256 taskId, uint16 round) internal {
        _finalize(taskId, round, new address[](0));
    }

    function _finalize(uint256 taskId, uint16 round, address[] memory dropped) internal {
        vm.prank(aggregator);
        tasks.finalizeRound(taskId, round, keccak256(abi.encode("model", taskId, round)), 500_000, 900_000, dropped);
    }

    /// @dev A one-round task of `members` nodes, Finished, in which the last `dropouts` members missed the round and
    /// were dropped (slashed) at finalization (so the pool is budget + dropouts × stake).
    function _finished(uint128 budget, uint128 stake, uint16 members, uint16 dropouts) internal returns (uint256 taskId) {
        require(members - dropouts >= 3 && members <= NODES, "fixture: bad member counts");
        taskId = _running(budget, stake, members, 1);
        uint256 submitters = members - dropouts;
        for (uint256 i = 0; i < submitters; ++i) _submit(taskId, 1, i);
        if (dropouts > 0) {
            vm.warp(block.timestamp + ROUND + 1);
            for (uint256 i = 0; i < submitters; ++i) _reveal(taskId, 1, i);
        }
        address[] memory dropped = new address[](dropouts);
        for (uint256 i = submitters; i < members; ++i) dropped[i - submitters] = nodes[i];
        _finalize(taskId, 1, dropped);
    }

    function _settle(uint256 taskId, bytes32 root, uint256 total) internal {
        vm.prank(aggregator);
        tasks.settle(taskId, root, total);
    }

    function _status(uint256 taskId) internal view returns (ITrainingTasks.TaskStatus status) {
        (, status,,) = tasks.getTaskState(taskId);
    }

    /// @dev The payout leaf, written out independently of contracts/libraries/PayoutLeaf.sol: OpenZeppelin
    /// StandardMerkleTree leaf of ["uint256","address","uint256"].
    function _leaf(uint256 i, address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(i, account, amount))));
    }

    function _leaves(address[] memory accounts, uint256[] memory amounts) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) leaves[i] = _leaf(i, accounts[i], amounts[i]);
    }

    function _claim(uint256 taskId, bytes32[] memory leaves, uint256 i, address account, uint256 amount) internal {
        tasks.claim(taskId, i, account, amount, Merkle.proof(leaves, i));
    }
}
