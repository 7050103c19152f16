// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDatasetIndex} from "../../contracts/interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../../contracts/interfaces/ITrainingTasks.sol";
import {SenderFeeToken} from "../contracts/mocks/SenderFeeToken.sol";
import {TasksFixture} from "./utils/TasksFixture.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @notice The attacks of the money-rules review, each replayed against the contract: none may take money that
/// others earned, lock funds for good, or keep a task waiting on members that are gone.
contract TrainingTasksMoneyRulesTest is TasksFixture {
    bytes32[] internal _leavesOf;

    /// @dev A one-round task of nodes 0..2 settled by the aggregator with a fair table paying 3e17 to each node.
    function _fairlySettled() internal returns (uint256 taskId, bytes32[] memory leaves) {
        taskId = _finished(1e18, 1e17, 3, 0);
        address[] memory accounts = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) (accounts[i], amounts[i]) = (nodes[i], 3e17);
        leaves = _leaves(accounts, amounts);
        _settle(taskId, Merkle.root(leaves), 9e17);
    }

    // 1. The creator (as a member, or through one) cannot claw back earned rewards.
    function test_creatorAsMember_cannotDisputeOrResettle() public {
        ITrainingTasks.TaskParams memory p = _params(1e18, 1e17, 4, 1);
        uint256 taskId = _create(p);
        vm.prank(creator);
        uint256 creatorsData = index.registerDataset(schemaId, keccak256("c"), keccak256("cm"), 10, IDatasetIndex.Encryption.None, 0, "");
        token.mint(creator, 1e17);
        vm.startPrank(creator);
        token.approve(address(tasks), 1e17);
        tasks.joinTask(taskId, creatorsData, keccak256("sa creator"));
        vm.stopPrank();
        for (uint256 i = 0; i < 3; ++i) _join(taskId, i);
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1, i);
        vm.prank(creator);
        tasks.submitUpdate(taskId, 1, keccak256("creator update"), 10);
        _finalize(taskId, 1);
        address[] memory accounts = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) (accounts[i], amounts[i]) = (nodes[i], 3e17);
        bytes32[] memory leaves = _leaves(accounts, amounts);
        _settle(taskId, Merkle.root(leaves), 9e17);

        // The creator's own dispute is refused, and so is any re-settlement.
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksCannotDispute.selector, taskId, creator));
        tasks.dispute(taskId, keccak256("zero"), 0);
        // A member acting for the creator proposes "pay nobody"; only the resolver could pick it, and it is silent.
        vm.prank(nodes[2]);
        tasks.dispute(taskId, keccak256("zero"), 0);
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingTasks.TrainingTasksWrongStatus.selector, taskId, ITrainingTasks.TaskStatus.Disputed)
        );
        tasks.settle(taskId, keccak256("zero"), 0);
        vm.warp(_claimsOpenAt(taskId));
        for (uint256 i = 0; i < 3; ++i) {
            _claim(taskId, leaves, i, nodes[i], 3e17);
            assertEq(token.balanceOf(nodes[i]), 3e17, "earned reward paid");
        }
        vm.prank(creator);
        tasks.withdrawRefund(taskId);
        assertEq(token.balanceOf(creator), 1e17, "creator gets only pool - total");
    }

    function test_resolverCannotBeCreatorAggregatorOrMember() public {
        ITrainingTasks.TaskParams memory p = _params(1e18, 1e17, 3, 1);
        p.resolver = creator;
        token.mint(creator, 1e18);
        vm.startPrank(creator);
        token.approve(address(tasks), 1e18);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidResolver.selector, creator));
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p.resolver = aggregator;
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidResolver.selector, aggregator));
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p.resolver = address(0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidResolver.selector, address(0)));
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p.resolver = nodes[0];
        uint256 taskId = tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        vm.stopPrank();
        token.mint(nodes[0], 1e17);
        vm.startPrank(nodes[0]);
        token.approve(address(tasks), 1e17);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidResolver.selector, nodes[0]));
        tasks.joinTask(taskId, datasets[0], bytes32(0));
        vm.stopPrank();
    }

    function test_resolverPicksTheMembersProposal() public {
        (uint256 taskId, bytes32[] memory unfair) = _fairlySettled();
        // Say the posted table was unfair to node 2; node 2 proposes the table it recomputed.
        address[] memory accounts = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) (accounts[i], amounts[i]) = (nodes[i], i == 2 ? 4e17 : 25e16);
        bytes32[] memory fair = _leaves(accounts, amounts);
        vm.prank(nodes[2]);
        tasks.dispute(taskId, Merkle.root(fair), 9e17);
        assertTrue(tasks.isProposed(taskId, Merkle.root(fair), 9e17), "proposal recorded");
        (,,,, uint64 challengeEnd,) = tasks.getSettlement(taskId);
        vm.warp(challengeEnd);
        vm.prank(resolver);
        tasks.resolve(taskId, Merkle.root(fair), 9e17);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidProof.selector, taskId, nodes[0], 3e17));
        _claim(taskId, unfair, 0, nodes[0], 3e17);
        _claim(taskId, fair, 2, nodes[2], 4e17);
        assertEq(token.balanceOf(nodes[2]), 4e17, "the resolved table pays");
    }

    // 2. A dispute always ends; a slashed member (nothing at stake) cannot dispute.
    function test_slashedOrWithdrawnMember_cannotDispute_andDisputeEndsByDeadline() public {
        uint256 taskId = _finished(1e18, 1e17, 4, 1); // node 3 dropped and slashed
        _settle(taskId, keccak256("root"), 5e17);
        vm.prank(nodes[3]);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksCannotDispute.selector, taskId, nodes[3]));
        tasks.dispute(taskId, keccak256("other"), 0);
        vm.prank(nodes[0]);
        tasks.withdrawStake(taskId);
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksCannotDispute.selector, taskId, nodes[0]));
        tasks.dispute(taskId, keccak256("other"), 0);
        vm.prank(nodes[1]);
        tasks.dispute(taskId, keccak256("other"), 0);

        // The resolver never answers: at the resolve deadline the original stands, refund and stakes flow.
        uint64 resolveDeadline = _claimsOpenAt(taskId);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksClaimsNotOpen.selector, taskId, resolveDeadline));
        tasks.withdrawRefund(taskId);
        vm.warp(resolveDeadline);
        vm.prank(resolver);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksRoundClosed.selector, taskId, 1, resolveDeadline));
        tasks.resolve(taskId, keccak256("other"), 0);
        vm.prank(creator);
        tasks.withdrawRefund(taskId);
        assertEq(token.balanceOf(creator), 1e18 + 1e17 - 5e17, "pool - original total");
        vm.prank(nodes[1]);
        tasks.withdrawStake(taskId);
    }

    // 3. Tokens that charge the sender on top of the amount are refused on deposit and never pay out short.
    function test_senderFeeToken_refusedOnDepositAndPayout() public {
        SenderFeeToken fee = new SenderFeeToken(100);
        ITrainingTasks.TaskParams memory p = _params(1e18, 1e17, 3, 1);
        p.rewardToken = IERC20(address(fee));
        fee.mint(creator, 2e18);
        vm.startPrank(creator);
        fee.approve(address(tasks), 2e18);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksUnsupportedToken.selector, address(fee), 1e18, 101e16));
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        vm.stopPrank();

        // The fee switched on after two tasks escrowed the token: payouts revert instead of spending the other
        // task's escrow, and go through once the fee is off again.
        fee.setFeeBps(0);
        vm.prank(creator);
        uint256 a = tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        vm.prank(creator);
        uint256 b = tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        vm.prank(creator);
        tasks.cancelTask(a);
        fee.setFeeBps(100);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksUnsupportedToken.selector, address(fee), 1e18, 101e16));
        tasks.withdrawRefund(a);
        assertEq(fee.balanceOf(address(tasks)), 2e18, "escrow intact");
        fee.setFeeBps(0);
        vm.prank(creator);
        tasks.withdrawRefund(a);
        vm.prank(creator);
        tasks.cancelTask(b);
        vm.prank(creator);
        tasks.withdrawRefund(b);
        assertEq(fee.balanceOf(address(tasks)), 0, "every task paid back in full");
    }

    // 4. Unclaimable money (a leaf paying address(0), leaves below the total) returns to the creator after the
    // claim period.
    function test_unclaimableLeaves_returnToCreatorAfterClaimPeriod() public {
        uint256 taskId = _finished(1e18, 1e17, 3, 0);
        address[] memory accounts = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (accounts[0], amounts[0]) = (nodes[0], 2e17);
        (accounts[1], amounts[1]) = (address(0), 3e17);
        bytes32[] memory leaves = _leaves(accounts, amounts);
        _settle(taskId, Merkle.root(leaves), 9e17); // leaves sum to 5e17 only
        uint64 opensAt = _claimsOpenAt(taskId);
        vm.warp(opensAt);
        _claim(taskId, leaves, 0, nodes[0], 2e17);
        vm.expectRevert();
        _claim(taskId, leaves, 1, address(0), 3e17);
        vm.prank(creator);
        tasks.withdrawRefund(taskId);
        assertEq(token.balanceOf(creator), 1e17, "pool - total before expiry");
        vm.warp(opensAt + CLAIM_PERIOD);
        vm.prank(creator);
        tasks.withdrawRefund(taskId);
        assertEq(token.balanceOf(creator), 8e17, "pool - claimed after expiry");
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(nodes[i]);
            tasks.withdrawStake(taskId);
        }
        assertEq(token.balanceOf(address(tasks)), 0, "nothing locked");
    }

    // 5. Terms are bounded: no hostage join deadline, a dispute window that exists.
    function test_termsOutsideTheDeploymentLimitsAreRefused() public {
        ITrainingTasks.TermLimits memory l = tasks.termLimits();
        token.mint(creator, 1e18);
        vm.startPrank(creator);
        token.approve(address(tasks), 1e18);
        ITrainingTasks.TaskParams memory p = _params(1e18, 1e17, 3, 1);
        p.joinDeadline = uint64(block.timestamp + 100 * 365 days);
        _expectTerm(ITrainingTasks.Term.JoinPeriod, 100 * 365 days, 1, l.maxJoinPeriod);
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p.joinDeadline = type(uint64).max;
        _expectTerm(ITrainingTasks.Term.JoinPeriod, type(uint64).max - block.timestamp, 1, l.maxJoinPeriod);
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p = _params(1e18, 1e17, 3, 1);
        p.challengeWindow = 0;
        _expectTerm(ITrainingTasks.Term.ChallengeWindow, 0, l.minChallengeWindow, l.maxChallengeWindow);
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p = _params(1e18, 1e17, 3, 1);
        p.roundDuration = l.maxWindow + 1;
        _expectTerm(ITrainingTasks.Term.RoundDuration, l.maxWindow + 1, l.minWindow, l.maxWindow);
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        p = _params(1e18, 1e17, 3, 1);
        p.claimPeriod = 0;
        _expectTerm(ITrainingTasks.Term.ClaimPeriod, 0, l.minClaimPeriod, l.maxClaimPeriod);
        tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0));
        vm.stopPrank();
    }

    function _expectTerm(ITrainingTasks.Term term, uint256 value, uint256 min, uint256 max) internal {
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksTermOutOfRange.selector, term, value, min, max));
    }

    // 7. The protocol drops the dead at finalization: no transaction per node, no wait in the next round.
    function test_finalize_dropsMembersWithoutUpdate_andNextRoundWaitsForNobody() public {
        uint256 taskId = _running(1e18, 1e17, 5, 2);
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1, i);
        vm.warp(block.timestamp + ROUND + 1);
        for (uint256 i = 0; i < 3; ++i) _reveal(taskId, 1, i);
        // Leaving a dead member out, or naming a live one, is refused.
        address[] memory partial_ = new address[](1);
        partial_[0] = nodes[3];
        vm.prank(aggregator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksMissingDropouts.selector, taskId, 1, 4, 3));
        tasks.finalizeRound(taskId, 1, keccak256("m1"), 0, 0, partial_);
        address[] memory wrong = new address[](2);
        (wrong[0], wrong[1]) = (nodes[3], nodes[0]);
        vm.prank(aggregator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotSlashable.selector, taskId, nodes[0], 1));
        tasks.finalizeRound(taskId, 1, keccak256("m1"), 0, 0, wrong);
        address[] memory dead = new address[](2);
        (dead[0], dead[1]) = (nodes[3], nodes[4]);
        _finalize(taskId, 1, dead);
        (,, uint256 slashed,,,,) = tasks.getTaskFunds(taskId);
        assertEq(slashed, 2e17, "both dropped members slashed");
        assertEq(tasks.getRound(taskId, 2).members, 3, "round 2 counts only the live members");
        // Round 2: the three live members submit and the aggregator finalizes at once, before the submit deadline.
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1 + 1, i);
        _finalize(taskId, 2);
        assertEq(uint256(_status(taskId)), uint256(ITrainingTasks.TaskStatus.Finished), "finished without waiting");
    }

    function test_restart_dropsMembersThatMissedTheAttempt() public {
        uint256 taskId = _running(1e18, 1e17, 5, 1);
        for (uint256 i = 0; i < 4; ++i) _submit(taskId, 1, i);
        vm.warp(block.timestamp + ROUND + 1);
        for (uint256 i = 0; i < 3; ++i) _reveal(taskId, 1, i); // node 3 submitted but never revealed
        vm.warp(block.timestamp + REVEAL);
        address[] memory none = new address[](0);
        vm.prank(aggregator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksMissingDropouts.selector, taskId, 1, 5, 3));
        tasks.restartRound(taskId, none);
        address[] memory missed = new address[](2);
        (missed[0], missed[1]) = (nodes[3], nodes[4]);
        vm.prank(aggregator);
        tasks.restartRound(taskId, missed);
        ITrainingTasks.RoundState memory state = tasks.getRound(taskId, 1);
        assertEq(state.attempt, 1, "attempt");
        assertEq(state.members, 3, "re-run waits only for the members that did their part");
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1, i);
        _finalize(taskId, 1);
    }

    function _claimsOpenAt(uint256 taskId) internal view returns (uint64 claimsOpenAt) {
        (,, claimsOpenAt,,,) = tasks.getSettlement(taskId);
    }
}
