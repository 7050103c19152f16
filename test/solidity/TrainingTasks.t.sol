// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITrainingTasks} from "../../contracts/interfaces/ITrainingTasks.sol";
import {TasksFixture} from "./utils/TasksFixture.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @notice Fuzz tests of TrainingTasks money rules (settle, claim, refunds, stakes) and deadlines.
contract TrainingTasksFuzzTest is TasksFixture {
    /// @dev Realistic ceilings (1e12 tokens of 18 decimals); the uint128 edge is tested on its own below.
    uint256 internal constant MAX_BUDGET = 1e30;
    uint256 internal constant MAX_STAKE = 1e27;

    struct Table {
        address[] accounts;
        uint256[] amounts;
        bytes32[] leaves;
        uint256 sum;
    }

    /// @dev A random payout table of 1..64 leaves, every amount <= cap / n (so the sum <= cap). One leaf in four
    /// reuses an earlier account: an account may hold several leaves.
    function _table(uint256 seed, uint256 n, uint256 cap) internal view returns (Table memory t) {
        t.accounts = new address[](n);
        t.amounts = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (i > 0 && r % 4 == 0) t.accounts[i] = t.accounts[(r >> 8) % i];
            else t.accounts[i] = address(uint160(uint256(keccak256(abi.encode(r, "account")))));
            if (t.accounts[i] == address(0) || t.accounts[i] == address(tasks)) t.accounts[i] = address(0xBEEF);
            t.amounts[i] = (r >> 16) % (cap / n + 1);
            t.sum += t.amounts[i];
        }
        t.leaves = _leaves(t.accounts, t.amounts);
    }

    // ─── settle ─────────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_settle_neverExceedsPool(uint256 budget, uint256 stake, uint256 dropouts, uint256 totalSeed) public {
        budget = bound(budget, 1, MAX_BUDGET);
        stake = bound(stake, 0, MAX_STAKE);
        dropouts = bound(dropouts, 0, 3);
        uint256 taskId = _finished(uint128(budget), uint128(stake), 6, uint16(dropouts));
        uint256 pool = budget + dropouts * stake;
        (,, uint256 slashed,,,,) = tasks.getTaskFunds(taskId);
        assertEq(slashed, dropouts * stake, "slashed");

        // A third of the runs exactly at the pool, a third just above, a third anywhere in [0, 2 × pool].
        uint256 total;
        if (totalSeed % 3 == 0) total = pool;
        else if (totalSeed % 3 == 1) total = pool + 1 + (totalSeed >> 8) % 1e18;
        else total = bound(totalSeed >> 8, 0, 2 * pool);

        if (total > pool) {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksPayoutExceedsPool.selector, taskId, total, pool));
            _settle(taskId, keccak256("root"), total);
            assertEq(uint256(_status(taskId)), uint256(ITrainingTasks.TaskStatus.Finished), "status after rejected settle");
        } else {
            _settle(taskId, keccak256("root"), total);
            (bytes32 root, uint256 posted,,,,) = tasks.getSettlement(taskId);
            assertEq(root, keccak256("root"), "payout root");
            assertEq(posted, total, "posted total");
        }
    }

    /// @dev Only the aggregator settles; only staked members other than creator and aggregator dispute, each once;
    /// only the resolver resolves, and only to a candidate (the original or a proposal).
    function testFuzz_dispute_resolverPicksOnlyACandidate(address caller, uint256 total, bytes32 stray) public {
        vm.assume(caller != aggregator && caller != creator && caller != resolver);
        uint256 taskId = _finished(1e18, 1e17, 5, 0);
        total = bound(total, 0, 1e18);

        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotAggregator.selector, taskId, caller));
        tasks.settle(taskId, keccak256("root"), total);
        _settle(taskId, keccak256("root"), total);

        // Nobody without a stake in the task disputes (the creator and aggregator never do).
        bool member;
        for (uint256 i = 0; i < 5; ++i) member = member || caller == nodes[i];
        if (!member) {
            vm.prank(caller);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksCannotDispute.selector, taskId, caller));
            tasks.dispute(taskId, keccak256("root2"), total);
        }
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksCannotDispute.selector, taskId, creator));
        tasks.dispute(taskId, keccak256("root2"), total);
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksPayoutExceedsPool.selector, taskId, 1e18 + 1, 1e18));
        tasks.dispute(taskId, keccak256("root2"), 1e18 + 1);
        vm.prank(nodes[0]);
        tasks.dispute(taskId, keccak256("root2"), total);
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksAlreadyDisputed.selector, taskId, nodes[0]));
        tasks.dispute(taskId, keccak256("root3"), total);
        vm.prank(nodes[1]);
        tasks.dispute(taskId, keccak256("root3"), total);

        // Disputed: nobody settles again; the resolver waits for the challenge window to end.
        vm.prank(aggregator);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingTasks.TrainingTasksWrongStatus.selector, taskId, ITrainingTasks.TaskStatus.Disputed)
        );
        tasks.settle(taskId, keccak256("root4"), total);
        (,,,, uint64 challengeEnd,) = tasks.getSettlement(taskId);
        vm.prank(resolver);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksTooEarly.selector, taskId, challengeEnd));
        tasks.resolve(taskId, keccak256("root2"), total);
        vm.warp(challengeEnd);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotResolver.selector, taskId, caller));
        tasks.resolve(taskId, keccak256("root2"), total);
        vm.assume(stray != keccak256("root") && stray != keccak256("root2") && stray != keccak256("root3"));
        vm.prank(resolver);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksUnknownProposal.selector, taskId, stray, total));
        tasks.resolve(taskId, stray, total);
        vm.prank(resolver);
        tasks.resolve(taskId, keccak256("root3"), total);
        (bytes32 root, uint256 posted, uint64 claimsOpenAt,,,) = tasks.getSettlement(taskId);
        assertEq(root, keccak256("root3"), "resolved root");
        assertEq(posted, total, "resolved total");
        assertEq(claimsOpenAt, block.timestamp, "claims open at resolution");
        assertEq(uint256(_status(taskId)), uint256(ITrainingTasks.TaskStatus.Settled), "settled after resolution");
    }

    // ─── claim ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Settles a random tree of exactly its sum, claims every leaf in a random order and checks that each
    /// account receives its amounts, the task pays out exactly the total, and the creator then gets pool − total.
    function testFuzz_claim_payoutTreePaysExactly(uint256 seed, uint256 n, uint256 budget, uint256 stake) public {
        n = bound(n, 1, 64);
        budget = bound(budget, 1, MAX_BUDGET);
        stake = bound(stake, 0, MAX_STAKE);
        uint256 taskId = _finished(uint128(budget), uint128(stake), 5, 1);
        uint256 pool = budget + stake;
        Table memory t = _table(seed, n, pool);
        _settle(taskId, Merkle.root(t.leaves), t.sum);

        uint64 claimsOpenAt = _claimsOpenAt(taskId);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksClaimsNotOpen.selector, taskId, claimsOpenAt));
        _claim(taskId, t.leaves, 0, t.accounts[0], t.amounts[0]);
        vm.warp(claimsOpenAt);

        uint256 escrowBefore = token.balanceOf(address(tasks));
        assertEq(escrowBefore, budget + 5 * stake, "escrow before claims");
        // Claim in a random order (a random rotation with a random odd stride is a permutation of 0..n-1 only when
        // the stride is coprime with n; use stride 1 or n-1 plus a rotation to stay a permutation for every n).
        uint256 offset = seed % n;
        bool reverse = (seed >> 128) % 2 == 1;
        for (uint256 k = 0; k < n; ++k) {
            uint256 i = reverse ? (offset + n - k) % n : (offset + k) % n;
            uint256 before = token.balanceOf(t.accounts[i]);
            _claim(taskId, t.leaves, i, t.accounts[i], t.amounts[i]);
            assertEq(token.balanceOf(t.accounts[i]) - before, t.amounts[i], "account received its leaf amount");
            assertTrue(tasks.isClaimed(taskId, i), "leaf not marked claimed");
        }
        (,,,, uint256 payoutTotal, uint256 claimed,) = tasks.getTaskFunds(taskId);
        assertEq(claimed, t.sum, "claimed == sum of leaves");
        assertEq(payoutTotal, t.sum, "payoutTotal");
        assertEq(escrowBefore - token.balanceOf(address(tasks)), t.sum, "escrow paid exactly the total");

        // No leaf pays twice.
        uint256 again = seed % n;
        bytes32[] memory proof = Merkle.proof(t.leaves, again);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksAlreadyClaimed.selector, taskId, again));
        tasks.claim(taskId, again, t.accounts[again], t.amounts[again], proof);

        // The creator takes back pool − total; the four unslashed members their stakes; nothing is left.
        uint256 refund = pool - t.sum;
        if (refund > 0) {
            vm.prank(creator);
            tasks.withdrawRefund(taskId);
        }
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNothingToWithdraw.selector, taskId, creator));
        tasks.withdrawRefund(taskId);
        for (uint256 i = 0; i < 4; ++i) {
            vm.prank(nodes[i]);
            tasks.withdrawStake(taskId);
        }
        vm.prank(nodes[4]);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNothingToWithdraw.selector, taskId, nodes[4]));
        tasks.withdrawStake(taskId);
        assertEq(token.balanceOf(address(tasks)), 0, "escrow left after everything was paid");
    }

    /// @dev A settler may post a total below the tree's sum (a bad tree); claims then stop at the total.
    function testFuzz_claim_neverExceedsTotal(uint256 seed, uint256 n, uint256 totalSeed) public {
        n = bound(n, 2, 48);
        uint256 taskId = _finished(1e24, 1e18, 5, 0);
        Table memory t = _table(seed, n, 1e24);
        vm.assume(t.sum > 0);
        uint256 total = bound(totalSeed, 0, t.sum - 1);
        _settle(taskId, Merkle.root(t.leaves), total);
        uint64 claimsOpenAt = _claimsOpenAt(taskId);
        vm.warp(claimsOpenAt);

        uint256 running;
        for (uint256 i = 0; i < n; ++i) {
            if (running + t.amounts[i] > total) {
                bytes32[] memory proof = Merkle.proof(t.leaves, i);
                vm.expectRevert(
                    abi.encodeWithSelector(
                        ITrainingTasks.TrainingTasksClaimExceedsTotal.selector, taskId, running + t.amounts[i], total
                    )
                );
                tasks.claim(taskId, i, t.accounts[i], t.amounts[i], proof);
            } else {
                _claim(taskId, t.leaves, i, t.accounts[i], t.amounts[i]);
                running += t.amounts[i];
            }
            (,,,,, uint256 claimed,) = tasks.getTaskFunds(taskId);
            assertEq(claimed, running, "claimed");
            assertLe(claimed, total, "claimed <= total");
        }
    }

    function testFuzz_claim_rejectsForgedLeaves(uint256 seed, uint256 n, uint256 pick, uint256 tamper) public {
        n = bound(n, 1, 32);
        uint256 taskId = _finished(1e24, 0, 3, 0);
        Table memory t = _table(seed, n, 1e24);
        _settle(taskId, Merkle.root(t.leaves), t.sum);
        uint64 claimsOpenAt = _claimsOpenAt(taskId);
        vm.warp(claimsOpenAt);

        uint256 i = pick % n;
        uint256 index = i;
        address account = t.accounts[i];
        uint256 amount = t.amounts[i];
        bytes32[] memory proof = Merkle.proof(t.leaves, i);
        uint256 mode = tamper % 4;
        if (mode == 0) amount += 1 + (tamper >> 8) % 1e18; // more than the leaf says
        else if (mode == 1) account = address(uint160(account) ^ uint160(1 + (tamper >> 8) % type(uint16).max));
        else if (mode == 2) index = i + 1 + (tamper >> 8) % 1000; // another leaf's slot in the bitmap
        else if (n > 1) proof = Merkle.proof(t.leaves, (i + 1) % n); // another leaf's proof
        else proof = new bytes32[](1);

        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidProof.selector, taskId, account, amount));
        tasks.claim(taskId, index, account, amount, proof);
        // The honest claim still works.
        _claim(taskId, t.leaves, i, t.accounts[i], t.amounts[i]);
    }

    // ─── Deadlines ──────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_joinTask_closesAfterJoinDeadline(uint256 dt) public {
        dt = bound(dt, 0, 2 * JOIN_WINDOW);
        uint256 taskId = _create(_params(1e18, 1e17, 5, 1));
        uint64 joinDeadline = tasks.getTaskParams(taskId).joinDeadline;
        vm.warp(block.timestamp + dt);
        if (block.timestamp > joinDeadline) {
            token.mint(nodes[0], 1e17);
            vm.startPrank(nodes[0]);
            token.approve(address(tasks), 1e17);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksJoinClosed.selector, taskId, joinDeadline));
            tasks.joinTask(taskId, datasets[0], bytes32(0));
            vm.stopPrank();
        } else {
            _join(taskId, 0);
        }
    }

    function testFuzz_submitUpdate_closesAfterSubmitDeadline(uint256 dt) public {
        dt = bound(dt, 0, 2 * ROUND);
        uint256 taskId = _running(1e18, 1e17, 3, 2);
        uint64 deadline = tasks.getRound(taskId, 1).start + ROUND;
        vm.warp(block.timestamp + dt);
        if (block.timestamp > deadline) {
            vm.prank(nodes[0]);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksRoundClosed.selector, taskId, 1, deadline));
            tasks.submitUpdate(taskId, 1, keccak256("u"), 10);
            // The member that missed the deadline is slashable now, and not before (checked below).
            tasks.slash(taskId, nodes[0], 1);
        } else {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotSlashable.selector, taskId, nodes[0], 1));
            tasks.slash(taskId, nodes[0], 1);
            _submit(taskId, 1, 0);
            assertEq(tasks.getRound(taskId, 1).submissions, 1, "submissions");
        }
    }

    function testFuzz_revealSeeds_onlyInsideRevealWindow(uint256 dt) public {
        dt = bound(dt, 0, 2 * (ROUND + REVEAL));
        uint256 taskId = _running(1e18, 1e17, 4, 1);
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1, i);
        uint64 start = tasks.getRound(taskId, 1).start;
        vm.warp(start + dt);
        vm.prank(nodes[0]);
        if (block.timestamp <= start + ROUND) {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksTooEarly.selector, taskId, start + ROUND + 1));
        } else if (block.timestamp > start + ROUND + REVEAL) {
            vm.expectRevert(
                abi.encodeWithSelector(ITrainingTasks.TrainingTasksRoundClosed.selector, taskId, 1, start + ROUND + REVEAL)
            );
        }
        tasks.revealSeeds(taskId, 1, keccak256("r"));
    }

    function testFuzz_finalizeRound_andAbandon_splitAtFinalizeDeadline(uint256 dt) public {
        uint64 window = ROUND + REVEAL + AGG_WINDOW;
        dt = bound(dt, 0, 2 * window);
        uint256 taskId = _running(1e18, 1e17, 3, 2);
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1, i);
        uint64 deadline = tasks.getRound(taskId, 1).start + window;
        vm.warp(block.timestamp + dt);
        if (block.timestamp > deadline) {
            vm.prank(aggregator);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksRoundClosed.selector, taskId, 1, deadline));
            tasks.finalizeRound(taskId, 1, keccak256("m"), 0, 0, new address[](0));
            tasks.abandonTask(taskId);
            assertEq(uint256(_status(taskId)), uint256(ITrainingTasks.TaskStatus.Abandoned), "status");
        } else {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksDeadlineNotMissed.selector, taskId, deadline));
            tasks.abandonTask(taskId);
            // Every member submitted: the aggregator may finalize at once.
            _finalize(taskId, 1);
            assertEq(tasks.getRound(taskId, 2).start, block.timestamp, "round 2 started");
        }
    }

    /// @dev The aggregator settles until its deadline; then a staked member may, for one aggregator window; then
    /// anyone may abandon.
    function testFuzz_settle_andAbandon_splitAtSettleDeadlines(uint256 dt) public {
        dt = bound(dt, 0, 3 * uint256(AGG_WINDOW));
        uint256 taskId = _finished(1e18, 1e17, 3, 0);
        uint64 settleDeadline = _settleDeadline(taskId);
        uint64 memberDeadline = settleDeadline + AGG_WINDOW;
        vm.warp(block.timestamp + dt);
        if (block.timestamp > memberDeadline) {
            vm.prank(nodes[0]);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksRoundClosed.selector, taskId, 1, memberDeadline));
            tasks.settle(taskId, keccak256("root"), 1);
            tasks.abandonTask(taskId);
            // Safety valve: everyone gets back exactly what they put in.
            vm.prank(creator);
            tasks.withdrawRefund(taskId);
            assertEq(token.balanceOf(creator), 1e18, "creator refund");
            for (uint256 i = 0; i < 3; ++i) {
                vm.prank(nodes[i]);
                tasks.withdrawStake(taskId);
                assertEq(token.balanceOf(nodes[i]), 1e17, "stake back");
            }
            assertEq(token.balanceOf(address(tasks)), 0, "escrow left");
        } else if (block.timestamp > settleDeadline) {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksDeadlineNotMissed.selector, taskId, memberDeadline));
            tasks.abandonTask(taskId);
            vm.prank(aggregator);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotMember.selector, taskId, aggregator));
            tasks.settle(taskId, keccak256("root"), 1);
            vm.prank(nodes[2]);
            tasks.settle(taskId, keccak256("root"), 1);
        } else {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksDeadlineNotMissed.selector, taskId, memberDeadline));
            tasks.abandonTask(taskId);
            vm.prank(nodes[2]);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotAggregator.selector, taskId, nodes[2]));
            tasks.settle(taskId, keccak256("root"), 1);
            _settle(taskId, keccak256("root"), 1);
        }
    }

    /// @dev Before the challenge window ends a dispute moves claims to the resolve deadline (where, without a
    /// resolution, the original pays); after it, no dispute, and claims run until the claim period ends.
    function testFuzz_disputeAndClaim_splitAtClaimsOpen(uint256 dt) public {
        dt = bound(dt, 0, 2 * uint256(CHALLENGE));
        uint256 taskId = _finished(1e18, 1e17, 3, 0);
        address[] memory accounts = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        accounts[0] = nodes[0];
        amounts[0] = 5e17;
        bytes32[] memory leaves = _leaves(accounts, amounts);
        _settle(taskId, Merkle.root(leaves), 5e17);
        uint64 claimsOpenAt = _claimsOpenAt(taskId);
        vm.warp(block.timestamp + dt);
        if (block.timestamp < claimsOpenAt) {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksClaimsNotOpen.selector, taskId, claimsOpenAt));
            _claim(taskId, leaves, 0, nodes[0], 5e17);
            vm.prank(nodes[1]);
            tasks.dispute(taskId, keccak256("other"), 0);
            uint64 resolveDeadline = claimsOpenAt + CHALLENGE;
            assertEq(_claimsOpenAt(taskId), resolveDeadline, "claims wait for the resolve deadline");
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksClaimsNotOpen.selector, taskId, resolveDeadline));
            _claim(taskId, leaves, 0, nodes[0], 5e17);
            // The resolver stays silent: the original settlement stands.
            vm.warp(resolveDeadline);
            _claim(taskId, leaves, 0, nodes[0], 5e17);
        } else {
            vm.prank(nodes[1]);
            vm.expectRevert(
                abi.encodeWithSelector(ITrainingTasks.TrainingTasksChallengeWindowClosed.selector, taskId, claimsOpenAt)
            );
            tasks.dispute(taskId, keccak256("other"), 0);
            _claim(taskId, leaves, 0, nodes[0], 5e17);
        }
        assertEq(token.balanceOf(nodes[0]), 5e17, "claimed amount");
    }

    /// @dev Claims close at claimsOpenAt + claimPeriod; what was not claimed then returns to the creator.
    function testFuzz_claimPeriod_unclaimedReturnsToCreator(uint256 dt, uint256 claimFirst) public {
        uint256 taskId = _finished(1e18, 1e17, 3, 0);
        address[] memory accounts = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (accounts[0], accounts[1]) = (nodes[0], nodes[1]);
        (amounts[0], amounts[1]) = (4e17, 6e17);
        bytes32[] memory leaves = _leaves(accounts, amounts);
        _settle(taskId, Merkle.root(leaves), 1e18);
        uint64 opensAt = _claimsOpenAt(taskId);
        vm.warp(opensAt);
        if (claimFirst % 2 == 0) _claim(taskId, leaves, 0, nodes[0], 4e17);
        dt = bound(dt, 0, 2 * uint256(CLAIM_PERIOD));
        vm.warp(opensAt + dt);
        uint64 closesAt = opensAt + CLAIM_PERIOD;
        vm.prank(creator);
        if (block.timestamp < closesAt) {
            // pool − total = 0: nothing to refund yet.
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNothingToWithdraw.selector, taskId, creator));
            tasks.withdrawRefund(taskId);
            _claim(taskId, leaves, 1, nodes[1], 6e17);
        } else {
            tasks.withdrawRefund(taskId);
            assertEq(token.balanceOf(creator), claimFirst % 2 == 0 ? 6e17 : 1e18, "unclaimed returned to the creator");
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksClaimsClosed.selector, taskId, closesAt));
            _claim(taskId, leaves, 1, nodes[1], 6e17);
        }
    }

    function testFuzz_cancelTask_refundsBudgetAndStakes(uint256 budget, uint256 stake, uint256 joined, address stranger)
        public
    {
        budget = bound(budget, 1, MAX_BUDGET);
        stake = bound(stake, 0, MAX_STAKE);
        joined = bound(joined, 0, 2); // fewer than minNodes: anyone may cancel after the join deadline
        vm.assume(stranger != creator);
        uint256 taskId = _create(_params(uint128(budget), uint128(stake), 5, 1));
        for (uint256 i = 0; i < joined; ++i) _join(taskId, i);

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNotCreator.selector, taskId, stranger));
        tasks.cancelTask(taskId);
        vm.warp(block.timestamp + JOIN_WINDOW + 1);
        vm.prank(stranger);
        tasks.cancelTask(taskId);

        vm.prank(creator);
        tasks.withdrawRefund(taskId);
        for (uint256 i = 0; i < joined; ++i) {
            vm.prank(nodes[i]);
            tasks.withdrawStake(taskId);
            assertEq(token.balanceOf(nodes[i]), stake, "stake back");
        }
        assertEq(token.balanceOf(creator), budget, "budget back");
        assertEq(token.balanceOf(address(tasks)), 0, "escrow left");
    }

    // ─── Differential-privacy terms ─────────────────────────────────────────────────────────────────────────────

    /// @dev createDpTask accepts exactly noise > 0 and 0 < δ <= MAX_DP_DELTA_E18 on an FL task, records them as given
    /// and escrows the budget; anything else reverts with InvalidParam(DpTerms) and leaves no task.
    function testFuzz_createDpTask_boundsAndRecordsTerms(uint32 noise, uint64 delta, bool fhe) public {
        delta = uint64(bound(delta, 0, 2 * uint256(tasks.MAX_DP_DELTA_E18()))); // half the draws valid
        ITrainingTasks.TaskParams memory p = _params(1e18, 1e18, 3, 1);
        if (fhe) (p.kind, p.minNodes, p.maxNodes) = (ITrainingTasks.TaskKind.FHE, 1, 1);
        ITrainingTasks.DpTerms memory dp = ITrainingTasks.DpTerms({noiseMultiplierE6: noise, deltaE18: delta});
        token.mint(creator, p.budget);
        vm.startPrank(creator);
        token.approve(address(tasks), p.budget);
        uint256 before = tasks.taskCount();
        bool valid = !fhe && noise > 0 && delta > 0 && delta <= tasks.MAX_DP_DELTA_E18();
        if (!valid) {
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksInvalidParam.selector, ITrainingTasks.Param.DpTerms));
            tasks.createDpTask(p, dp);
            vm.stopPrank();
            assertEq(tasks.taskCount(), before, "a refused DP task was created");
            return;
        }
        uint256 taskId = tasks.createDpTask(p, dp);
        vm.stopPrank();
        assertEq(tasks.getDpTerms(taskId).noiseMultiplierE6, noise, "noise multiplier");
        assertEq(tasks.getDpTerms(taskId).deltaE18, delta, "delta");
        assertEq(token.balanceOf(address(tasks)), p.budget, "budget escrowed");
        assertEq(tasks.getDpTerms(_create(_params(1e18, 1e18, 3, 1))).noiseMultiplierE6, 0, "createTask records no DP");
    }

    // ─── The uint128 edge ───────────────────────────────────────────────────────────────────────────────────────

    /// @dev budget + slashed stakes can exceed uint128 although each fits. Acceptable: createTask refuses such
    /// params, or settle refuses an unrepresentable total. Not acceptable: a truncated total or refund record
    /// (a truncated `refunded` lets the creator withdraw again and drain other tasks' escrow).
    function testFuzz_settle_poolAboveUint128DoesNotTruncate(uint256 budget, uint256 stake, uint256 total) public {
        budget = bound(budget, type(uint128).max / 2, type(uint128).max);
        stake = bound(stake, 1, type(uint128).max / 8);
        ITrainingTasks.TaskParams memory p = _params(uint128(budget), uint128(stake), 4, 1);
        token.mint(creator, budget);
        vm.startPrank(creator);
        token.approve(address(tasks), budget);
        uint256 taskId;
        try tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0)) returns (uint256 id) {
            taskId = id;
        } catch {
            vm.stopPrank();
            assertTrue(budget + 4 * stake > type(uint128).max, "createTask refused representable params");
            return;
        }
        vm.stopPrank();
        for (uint256 i = 0; i < 4; ++i) _join(taskId, i);
        for (uint256 i = 0; i < 3; ++i) _submit(taskId, 1, i);
        vm.warp(block.timestamp + ROUND + 1);
        for (uint256 i = 0; i < 3; ++i) _reveal(taskId, 1, i);
        address[] memory dropped = new address[](1);
        dropped[0] = nodes[3];
        _finalize(taskId, 1, dropped);
        // Another task's escrow sits in the same contract: a double refund would take it.
        uint256 other = _finished(type(uint128).max, 0, 3, 0);

        uint256 pool = budget + stake;
        total = bound(total, 0, pool);
        vm.prank(aggregator);
        try tasks.settle(taskId, keccak256("root"), total) {
            (, uint256 posted,,,,) = tasks.getSettlement(taskId);
            assertEq(posted, total, "posted total truncated");
            vm.warp(_claimsOpenAt(taskId));
            if (pool > total) {
                vm.prank(creator);
                tasks.withdrawRefund(taskId);
                assertEq(token.balanceOf(creator), pool - total, "refund");
            }
            vm.prank(creator);
            vm.expectRevert(abi.encodeWithSelector(ITrainingTasks.TrainingTasksNothingToWithdraw.selector, taskId, creator));
            tasks.withdrawRefund(taskId);
        } catch {
            assertTrue(total > type(uint128).max, "settle refused a representable total");
        }
        (uint256 otherBudget,,,,,,) = tasks.getTaskFunds(other);
        assertLe(otherBudget, token.balanceOf(address(tasks)), "other task's escrow taken");
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────────────

    function _claimsOpenAt(uint256 taskId) internal view returns (uint64 claimsOpenAt) {
        (,, claimsOpenAt,,,) = tasks.getSettlement(taskId);
    }

    function _settleDeadline(uint256 taskId) internal view returns (uint64 settleDeadline) {
        (,,,,, settleDeadline) = tasks.getSettlement(taskId);
    }
}
