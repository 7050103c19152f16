// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DatasetIndex} from "../../../contracts/DatasetIndex.sol";
import {TrainingTasks} from "../../../contracts/TrainingTasks.sol";
import {RewardToken} from "../../../contracts/RewardToken.sol";
import {IDatasetIndex} from "../../../contracts/interfaces/IDatasetIndex.sol";
import {ITrainingTasks} from "../../../contracts/interfaces/ITrainingTasks.sol";
import {TestBase} from "../utils/Vm.sol";
import {Merkle} from "../utils/Merkle.sol";
import {SenderFeeToken} from "../../contracts/mocks/SenderFeeToken.sol";

/// @notice Drives TrainingTasks with bounded random actions for the invariant tests. Every action picks a task and
/// an actor from its seeds, calls the contract as that actor (failures are allowed and ignored: the invariants must
/// hold whatever succeeds), and on success adds what moved to ghost sums kept independently of the contract.
/// `progress` takes the natural next step of a random task so that deep states (settled, claimed) are reached
/// within a 30-call sequence; the other actions hit the same functions with arbitrary arguments and timing.
/// Tasks pay in one of two tokens: a plain one and one that can start charging the sender a fee at any time.
contract TrainingTasksHandler is TestBase {
    uint256 public constant NODES = 6;
    uint256 internal constant MAX_TASKS = 4;

    struct Leaf {
        address account;
        uint256 amount;
    }

    DatasetIndex public immutable index;
    TrainingTasks public immutable tasks;
    RewardToken public immutable token;
    SenderFeeToken public immutable feeToken;
    address public constant RESOLVER = address(0x5E5E);
    uint32 internal immutable _schemaId;

    address[2] internal _creators = [address(0xC1), address(0xC2)];
    address[2] internal _aggregators = [address(0xA1), address(0xA2)];
    address[NODES] internal _nodes;
    uint256[NODES] internal _datasets;
    mapping(uint256 taskId => Leaf[]) internal _payouts;
    /// @dev Tables proposed by disputes, by keccak256(root, total); the resolver may pick one.
    mapping(uint256 taskId => mapping(bytes32 key => Leaf[])) internal _proposedTables;
    mapping(uint256 taskId => bytes32[]) internal _proposalKeys;
    mapping(bytes32 key => uint256) internal _proposalTotals;

    /// @dev block.timestamp does not carry over between the calls of an invariant run; keep it here.
    uint256 public currentTime = 1_700_000_000;

    // Ghost sums, from the handler's own view of what succeeded.
    uint256 public ghostBudgets;
    uint256 public ghostStakes;
    uint256 public ghostClaimed;
    uint256 public ghostRefunded;
    uint256 public ghostStakesWithdrawn;
    uint256 public ghostSlashed;

    /// @dev Successful calls per action, to check that the sequences reach every state.
    mapping(bytes32 action => uint256) public calls;

    modifier useTime() {
        vm.warp(currentTime);
        _;
    }

    constructor(DatasetIndex index_, TrainingTasks tasks_) {
        vm.warp(currentTime);
        index = index_;
        tasks = tasks_;
        token = new RewardToken(address(this));
        feeToken = new SenderFeeToken(0);
        _schemaId = uint32(index_.registerSchema(keccak256("invariant schema"), ""));
        for (uint256 i = 0; i < NODES; ++i) {
            _nodes[i] = vm.addr(0x1000 + i);
            vm.prank(_nodes[i]);
            _datasets[i] = index_.registerDataset(
                _schemaId, keccak256(abi.encode("data", i)), keccak256(abi.encode("manifest", i)), uint64(50 + i * 10),
                IDatasetIndex.Encryption.None, bytes32(0), ""
            );
        }
    }

    /// @notice Starting state (called once from setUp, not a fuzzed action): one task open with one member, one
    /// running, one settled with its challenge window open, so 30-call sequences start from every stage.
    function bootstrap() external useTime {
        uint256 timing = uint256(keccak256("bootstrap timing"));
        createTask(1e21, 1e18, 4 + (2 << 8), timing, 0); // open: 5 nodes, joined by one
        _join(1, 0);
        createTask(5e20, 3e17, 3 + (2 << 16), timing >> 1, 1 << 8); // running: 3 rounds, 3 nodes
        for (uint256 i = 1; i <= 3; ++i) _join(2, i);
        createTask(2e20, 1e17, 1, timing >> 2, 1); // settled after one round without dropouts
        for (uint256 i = 2; i <= 4; ++i) _join(3, i);
        for (uint256 i = 2; i <= 4; ++i) _submit(3, _nodes[i], 100);
        _finalize(3, 1);
        _settle(3, (uint256(3) << 200) | 42);
        require(tasks.taskCount() == 3, "bootstrap: tasks");
        (, ITrainingTasks.TaskStatus status,,) = tasks.getTaskState(3);
        require(status == ITrainingTasks.TaskStatus.Settled, "bootstrap: settle");
    }

    /// @notice The action selectors the invariant runner may call.
    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](19);
        s[0] = this.createTask.selector;
        s[1] = this.joinTask.selector;
        s[2] = this.startTask.selector;
        s[3] = this.submitUpdate.selector;
        s[4] = this.revealSeeds.selector;
        s[5] = this.finalizeRound.selector;
        s[6] = this.restartRound.selector;
        s[7] = this.slash.selector;
        s[8] = this.settle.selector;
        s[9] = this.dispute.selector;
        s[10] = this.claim.selector;
        s[11] = this.withdrawStake.selector;
        s[12] = this.withdrawRefund.selector;
        s[13] = this.cancelTask.selector;
        s[14] = this.abandonTask.selector;
        s[15] = this.warp.selector;
        s[16] = this.progress.selector;
        s[17] = this.resolve.selector;
        s[18] = this.toggleFee.selector;
    }

    // ─── Actions ────────────────────────────────────────────────────────────────────────────────────────────────
    // Each action prefers a task in the status where it can succeed (falling back to any task) and, from a seed
    // bit, a well-chosen actor or a random one; so most calls do something and some probe the access checks.

    function createTask(uint256 budget, uint256 stake, uint256 shape, uint256 timing, uint256 who) public useTime {
        if (tasks.taskCount() >= MAX_TASKS) return;
        budget = bound(budget, 1, 1e24);
        stake = bound(stake, 0, 1e21);
        // Mostly small, one-round tasks that fill up (and start) with three joins; sometimes larger ones.
        uint16 maxNodes = uint16(shape % 4 == 0 ? bound(shape >> 8, 3, 5) : 3);
        uint16 rounds = uint16(shape % 3 == 0 ? bound(shape >> 16, 1, 3) : 1);
        address creator = _creators[who % 2];
        // One task in four pays in the token that may start charging senders a fee.
        bool feeTask = (who >> 16) % 4 == 0;
        ITrainingTasks.TaskParams memory p = ITrainingTasks.TaskParams({
            kind: ITrainingTasks.TaskKind.FL,
            schemaId: _schemaId,
            modelRoot: keccak256("model"),
            rounds: rounds,
            minNodes: 3,
            maxNodes: maxNodes,
            stake: uint128(stake),
            rewardToken: IERC20(feeTask ? address(feeToken) : address(token)),
            budget: uint128(budget),
            joinDeadline: uint64(block.timestamp + bound(timing, 1 hours, 2 days)),
            roundDuration: uint32(bound(timing >> 64, 10 minutes, 6 hours)),
            revealDuration: uint32(bound(timing >> 96, 1 minutes, 2 hours)),
            aggregatorWindow: uint32(bound(timing >> 128, 1 hours, 1 days)),
            challengeWindow: uint32(bound(timing >> 160, 0, 2 days)),
            claimPeriod: uint32(bound(timing >> 192, 30 minutes, 3 days)),
            aggregator: _aggregators[(who >> 8) % 2],
            resolver: RESOLVER,
            dataShareBps: 3000,
            computeDecayBps: 9500,
            dataDecayBps: 7000
        });
        _mint(p.rewardToken, creator, budget);
        vm.prank(creator);
        p.rewardToken.approve(address(tasks), budget);
        vm.prank(creator);
        try tasks.createTask(p, new ITrainingTasks.FheInput[](0), bytes32(0)) {
            ghostBudgets += budget;
            _count("createTask");
        } catch {}
    }

    function joinTask(uint256 taskSeed, uint256 nodeSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_OPEN));
        if (taskId == 0) return;
        uint256 i = nodeSeed % NODES;
        if (nodeSeed % 4 != 0) {
            for (uint256 k = 0; k < NODES; ++k) {
                if (tasks.getMember(taskId, _nodes[(nodeSeed + k) % NODES]).joinIndex == 0) {
                    i = (nodeSeed + k) % NODES;
                    break;
                }
            }
        }
        _join(taskId, i);
    }

    function startTask(uint256 taskSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_OPEN));
        if (taskId == 0) return;
        vm.prank(taskSeed % 2 == 0 ? _creator(taskId) : _nodes[(taskSeed >> 8) % NODES]);
        try tasks.startTask(taskId) {
            _count("startTask");
        } catch {}
    }

    function submitUpdate(uint256 taskSeed, uint256 nodeSeed, uint64 samples) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_RUNNING));
        if (taskId == 0) return;
        address node = _nodes[nodeSeed % NODES];
        if (nodeSeed % 4 != 0) node = _memberWithout(taskId, nodeSeed, false);
        _submit(taskId, node, uint64(bound(samples, 0, 1e9)));
    }

    function revealSeeds(uint256 taskSeed, uint256 nodeSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_RUNNING));
        if (taskId == 0) return;
        address node = _nodes[nodeSeed % NODES];
        if (nodeSeed % 4 != 0) node = _memberWithout(taskId, nodeSeed, true);
        _reveal(taskId, node);
    }

    function finalizeRound(uint256 taskSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_RUNNING));
        if (taskId == 0) return;
        _finalize(taskId, taskSeed >> 8);
    }

    function restartRound(uint256 taskSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_RUNNING));
        if (taskId == 0) return;
        _restart(taskId, taskSeed >> 8);
    }

    function slash(uint256 taskSeed, uint256 nodeSeed, uint16 round) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_RUNNING) | _bit(S_FINISHED));
        if (taskId == 0) return;
        (,, uint16 currentRound,) = tasks.getTaskState(taskId);
        _slash(taskId, _nodes[nodeSeed % NODES], round % 4 == 0 ? round : currentRound);
    }

    function settle(uint256 taskSeed, uint256 tableSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_FINISHED));
        if (taskId == 0) return;
        _settle(taskId, tableSeed);
    }

    function dispute(uint256 taskSeed, uint256 nodeSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_SETTLED) | _bit(S_DISPUTED));
        if (taskId == 0) return;
        _dispute(taskId, nodeSeed % 4 == 0 ? _creator(taskId) : _nodes[nodeSeed % NODES], nodeSeed);
    }

    /// @notice The resolver (or, from a seed bit, a stranger) picks the original or a proposal.
    function resolve(uint256 taskSeed, uint256 pick) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_DISPUTED));
        if (taskId == 0) return;
        _resolve(taskId, pick);
    }

    /// @notice The fee token starts (or stops) charging senders 1 % on top of every transfer.
    function toggleFee(uint256 seed) public {
        feeToken.setFeeBps(feeToken.feeBps() == 0 ? 100 : seed % 2 == 0 ? 0 : 100);
    }

    function claim(uint256 taskSeed, uint256 leafSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_SETTLED) | _bit(S_DISPUTED));
        if (taskId == 0 || _payouts[taskId].length == 0) return;
        if (leafSeed % 2 == 0) {
            // Usually wait for the challenge window (or the resolve deadline) to pass first.
            (,, uint64 claimsOpenAt,,,) = tasks.getSettlement(taskId);
            _advanceTo(claimsOpenAt);
            vm.warp(currentTime);
        }
        _claim(taskId, (leafSeed >> 8) % _payouts[taskId].length);
    }

    function withdrawStake(uint256 taskSeed, uint256 nodeSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_SETTLED) | _bit(S_DISPUTED) | _bit(S_CANCELLED) | _bit(S_ABANDONED));
        if (taskId == 0) return;
        _withdrawStake(taskId, _nodes[nodeSeed % NODES]);
    }

    function withdrawRefund(uint256 taskSeed) public useTime {
        uint256 taskId =
            _pickTask(taskSeed, _bit(S_SETTLED) | _bit(S_DISPUTED) | _bit(S_CANCELLED) | _bit(S_ABANDONED));
        if (taskId == 0) return;
        _withdrawRefund(taskId);
    }

    function cancelTask(uint256 taskSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_OPEN));
        if (taskId == 0) return;
        // The creator cancels rarely (it ends the task); strangers try and mostly fail.
        vm.prank(taskSeed % 4 == 0 ? _creator(taskId) : _nodes[(taskSeed >> 8) % NODES]);
        try tasks.cancelTask(taskId) {
            _count("cancelTask");
        } catch {}
    }

    function abandonTask(uint256 taskSeed) public useTime {
        uint256 taskId = _pickTask(taskSeed, _bit(S_RUNNING) | _bit(S_FINISHED));
        if (taskId == 0) return;
        try tasks.abandonTask(taskId) {
            _count("abandonTask");
        } catch {}
    }

    function warp(uint256 seconds_) public {
        // Mostly short steps inside a round; sometimes long enough to miss every deadline.
        currentTime += seconds_ % 8 == 0 ? bound(seconds_ >> 8, 1 days, 3 days) : bound(seconds_ >> 8, 1, 2 hours);
    }

    /// @notice Takes the next 1–4 steps of a random task along its normal life cycle (within the task's deadlines).
    function progress(uint256 taskSeed, uint256 seed) public useTime {
        uint256 taskId = _pickTask(
            taskSeed, _bit(S_OPEN) | _bit(S_RUNNING) | _bit(S_FINISHED) | _bit(S_SETTLED) | _bit(S_DISPUTED)
        );
        if (taskId == 0) return;
        uint256 steps = 1 + seed % 4;
        for (uint256 k = 0; k < steps; ++k) {
            vm.warp(currentTime);
            _step(taskId, uint256(keccak256(abi.encode(seed, k))));
        }
    }

    function _step(uint256 taskId, uint256 seed) internal {
        (, ITrainingTasks.TaskStatus status, uint16 round,) = tasks.getTaskState(taskId);
        if (status == ITrainingTasks.TaskStatus.Open) {
            for (uint256 k = 0; k < NODES; ++k) {
                uint256 i = (seed + k) % NODES;
                if (tasks.getMember(taskId, _nodes[i]).joinIndex == 0) return _join(taskId, i);
            }
        } else if (status == ITrainingTasks.TaskStatus.Running) {
            _progressRound(taskId, round, seed);
        } else if (status == ITrainingTasks.TaskStatus.Finished) {
            // Sometimes the aggregator stays silent and a member settles after its deadline.
            if (seed % 8 == 0) _advanceTo(_settleDeadline(taskId) + 1);
            vm.warp(currentTime);
            _settle(taskId, seed);
        } else if (status == ITrainingTasks.TaskStatus.Settled || status == ITrainingTasks.TaskStatus.Disputed) {
            (,, uint64 claimsOpenAt,, uint64 challengeEnd,) = tasks.getSettlement(taskId);
            if (block.timestamp < claimsOpenAt) {
                // Inside the challenge window a member sometimes disputes; in the resolve window the resolver
                // sometimes resolves; otherwise wait for claims to open.
                if (block.timestamp < challengeEnd && seed % 4 == 0) {
                    _dispute(taskId, _nodes[(seed >> 8) % NODES], seed);
                } else if (block.timestamp >= challengeEnd && seed % 2 == 0) {
                    _resolve(taskId, seed >> 8);
                } else {
                    _advanceTo(seed % 3 == 0 ? challengeEnd : claimsOpenAt);
                }
                return;
            }
            Leaf[] storage leaves = _payouts[taskId];
            for (uint256 k = 0; k < leaves.length && seed % 4 != 0; ++k) {
                uint256 i = (seed + k) % leaves.length;
                if (!tasks.isClaimed(taskId, i)) return _claim(taskId, i);
            }
            if (seed % 2 == 0) _withdrawRefund(taskId);
            else _withdrawStake(taskId, _nodes[seed % NODES]);
        } else {
            if (seed % 2 == 0) _withdrawRefund(taskId);
            else _withdrawStake(taskId, _nodes[seed % NODES]);
        }
    }

    // ─── Steps ──────────────────────────────────────────────────────────────────────────────────────────────────

    function _progressRound(uint256 taskId, uint16 round, uint256 seed) internal {
        ITrainingTasks.RoundState memory state = tasks.getRound(taskId, round);
        ITrainingTasks.TaskParams memory p = tasks.getTaskParams(taskId);
        uint256 submitDeadline = state.start + p.roundDuration;
        uint256 revealDeadline = submitDeadline + p.revealDuration;
        // Before the submit deadline: members submit; one time in three the rest stay silent (dropouts).
        if (block.timestamp <= submitDeadline && state.submissions < state.members) {
            if (seed % 3 != 0) return _submit(taskId, _memberWithout(taskId, seed, false), uint64(seed % 1000));
            _advanceTo(submitDeadline + 1);
            return;
        }
        if (state.submissions == state.members && state.submissions >= 3) return _finalize(taskId, seed);
        // Dropouts: submitters reveal inside the reveal window, then the aggregator finalizes or restarts.
        if (block.timestamp <= revealDeadline && state.reveals < state.submissions) {
            for (uint256 k = 0; k < NODES; ++k) {
                address node = _nodes[(seed + k) % NODES];
                if (tasks.updateOf(taskId, round, state.attempt, node) == 0) continue;
                if (tasks.revealOf(taskId, round, state.attempt, node) != 0) continue;
                return _reveal(taskId, node);
            }
        }
        if (state.submissions >= 3 && state.reveals == state.submissions) return _finalize(taskId, seed);
        if (block.timestamp <= revealDeadline) {
            _advanceTo(revealDeadline + 1);
            return;
        }
        // Too few members left to ever finalize: let the aggregator's deadline pass and abandon the task.
        (,,, uint16 active) = tasks.getTaskState(taskId);
        if (active < 3) {
            _advanceTo(revealDeadline + p.aggregatorWindow + 1);
            vm.warp(currentTime);
            try tasks.abandonTask(taskId) {
                _count("abandonTask");
            } catch {}
            return;
        }
        // Sometimes a stranger slashes a member that missed the attempt first; else the round is re-run.
        if (seed % 4 == 0) {
            for (uint256 k = 0; k < NODES; ++k) {
                address node = _nodes[(seed + k) % NODES];
                ITrainingTasks.Member memory m = tasks.getMember(taskId, node);
                if (m.joinIndex == 0 || m.slashed) continue;
                bool submitted = tasks.updateOf(taskId, round, state.attempt, node) != 0;
                bool revealed = tasks.revealOf(taskId, round, state.attempt, node) != 0;
                if (!submitted || !revealed) return _slash(taskId, node, round);
            }
        }
        _restart(taskId, seed);
    }

    function _join(uint256 taskId, uint256 i) internal {
        ITrainingTasks.TaskParams memory p = tasks.getTaskParams(taskId);
        uint128 stake = p.stake;
        address node = _nodes[i];
        _mint(p.rewardToken, node, stake);
        vm.prank(node);
        p.rewardToken.approve(address(tasks), stake);
        vm.prank(node);
        try tasks.joinTask(taskId, _datasets[i], keccak256(abi.encode("sa", i))) {
            ghostStakes += stake;
            _count("joinTask");
        } catch {}
    }

    function _submit(uint256 taskId, address node, uint64 samples) internal {
        (,, uint16 round,) = tasks.getTaskState(taskId);
        vm.prank(node);
        try tasks.submitUpdate(taskId, round, keccak256(abi.encode("update", taskId, round, node)), samples) {
            _count("submitUpdate");
        } catch {}
    }

    function _reveal(uint256 taskId, address node) internal {
        (,, uint16 round,) = tasks.getTaskState(taskId);
        vm.prank(node);
        try tasks.revealSeeds(taskId, round, keccak256(abi.encode("reveal", taskId, round, node))) {
            _count("revealSeeds");
        } catch {}
    }

    /// @dev Finalizes naming the members without an update (one time in eight one of them is left out, which
    /// must be refused).
    function _finalize(uint256 taskId, uint256 seed) internal {
        (,, uint16 round,) = tasks.getTaskState(taskId);
        address[] memory dropped = _missed(taskId, false, seed);
        ITrainingTasks.TaskParams memory p = tasks.getTaskParams(taskId);
        vm.prank(p.aggregator);
        try tasks.finalizeRound(taskId, round, keccak256(abi.encode("model", taskId, round)), 1, 2, dropped) {
            ghostSlashed += uint256(p.stake) * dropped.length;
            _count("finalizeRound");
        } catch {}
    }

    function _restart(uint256 taskId, uint256 seed) internal {
        address[] memory dropped = _missed(taskId, true, seed);
        ITrainingTasks.TaskParams memory p = tasks.getTaskParams(taskId);
        vm.prank(p.aggregator);
        try tasks.restartRound(taskId, dropped) {
            ghostSlashed += uint256(p.stake) * dropped.length;
            _count("restartRound");
        } catch {}
    }

    /// @dev The active members that missed the current attempt: no update (and, with `reveals` while some member
    /// dropped, no reveal). One time in eight the list leaves one out.
    function _missed(uint256 taskId, bool reveals, uint256 seed) internal view returns (address[] memory list) {
        (,, uint16 round,) = tasks.getTaskState(taskId);
        ITrainingTasks.RoundState memory state = tasks.getRound(taskId, round);
        bool dropouts = state.submissions < state.members;
        list = new address[](NODES);
        uint256 n;
        for (uint256 k = 0; k < NODES; ++k) {
            address node = _nodes[k];
            ITrainingTasks.Member memory m = tasks.getMember(taskId, node);
            if (m.joinIndex == 0 || m.slashed) continue;
            bool submitted = tasks.updateOf(taskId, round, state.attempt, node) != 0;
            bool revealed = tasks.revealOf(taskId, round, state.attempt, node) != 0;
            if (!submitted || (reveals && dropouts && !revealed)) list[n++] = node;
        }
        if (n > 0 && seed % 8 == 7) n -= 1;
        assembly ("memory-safe") {
            mstore(list, n)
        }
    }

    function _slash(uint256 taskId, address node, uint16 round) internal {
        uint128 stake = tasks.getTaskParams(taskId).stake;
        try tasks.slash(taskId, node, round) {
            ghostSlashed += stake;
            _count("slash");
        } catch {}
    }

    /// @dev Posts a payout table (see {_table}).
    function _settle(uint256 taskId, uint256 seed) internal {
        // The aggregator until its deadline; then a member (the contract checks that it still has a stake).
        address settler = block.timestamp <= _settleDeadline(taskId)
            ? tasks.getTaskParams(taskId).aggregator
            : _nodes[(seed >> 16) % NODES];
        (Leaf[] memory table, bytes32 root, uint256 total) = _table(taskId, seed);
        vm.prank(settler);
        try tasks.settle(taskId, root, total) {
            delete _payouts[taskId];
            for (uint256 i = 0; i < table.length; ++i) _payouts[taskId].push(table[i]);
            _count("settle");
        } catch {}
    }

    function _dispute(uint256 taskId, address member, uint256 seed) internal {
        (Leaf[] memory table, bytes32 root, uint256 total) = _table(taskId, uint256(keccak256(abi.encode(seed, "dispute"))));
        vm.prank(member);
        try tasks.dispute(taskId, root, total) {
            bytes32 key = keccak256(abi.encode(root, total));
            if (_proposedTables[taskId][key].length == 0) {
                for (uint256 i = 0; i < table.length; ++i) _proposedTables[taskId][key].push(table[i]);
                _proposalKeys[taskId].push(key);
                _proposalRoots[key] = root;
                _proposalTotals[key] = total;
            }
            _count("dispute");
        } catch {}
    }

    mapping(bytes32 key => bytes32) internal _proposalRoots;

    /// @dev The resolver picks the original (pick % 3 == 0) or a proposal; one time in eight a stranger tries.
    function _resolve(uint256 taskId, uint256 pick) internal {
        bytes32[] storage keys = _proposalKeys[taskId];
        bytes32 key;
        bytes32 root;
        uint256 total;
        if (pick % 3 == 0 || keys.length == 0) {
            (root, total,,,,) = tasks.getSettlement(taskId);
        } else {
            key = keys[(pick >> 8) % keys.length];
            (root, total) = (_proposalRoots[key], _proposalTotals[key]);
        }
        vm.prank(pick % 8 == 7 ? _nodes[pick % NODES] : RESOLVER);
        try tasks.resolve(taskId, root, total) {
            if (key != bytes32(0)) {
                delete _payouts[taskId];
                Leaf[] storage chosen = _proposedTables[taskId][key];
                for (uint256 i = 0; i < chosen.length; ++i) _payouts[taskId].push(chosen[i]);
            }
            _count("resolve");
        } catch {}
    }

    /// @dev A payout table over the members, the creator and a stranger. The total is usually the leaves' sum,
    /// sometimes below it (claims must stop at the total) and sometimes above the pool (must be refused).
    function _table(uint256 taskId, uint256 seed) internal view returns (Leaf[] memory table, bytes32 root, uint256 total) {
        (uint256 budget,, uint256 slashed,,,,) = tasks.getTaskFunds(taskId);
        uint256 pool = budget + slashed;
        uint256 n = 2 + seed % 6;
        table = new Leaf[](n);
        bytes32[] memory leaves = new bytes32[](n);
        uint256 sum;
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address account = i == 0 ? _creator(taskId) : i == n - 1 ? address(0x5EED) : _nodes[r % NODES];
            uint256 amount = (r >> 8) % (pool / n + 1);
            table[i] = Leaf(account, amount);
            leaves[i] = keccak256(bytes.concat(keccak256(abi.encode(i, account, amount))));
            sum += amount;
        }
        uint256 mode = (seed >> 200) % 8;
        total = mode == 0 ? pool + 1 + (seed >> 100) % pool : mode == 1 ? sum / 2 : sum;
        root = Merkle.root(leaves);
    }

    function _claim(uint256 taskId, uint256 i) internal {
        Leaf[] storage stored = _payouts[taskId];
        bytes32[] memory leaves = new bytes32[](stored.length);
        for (uint256 k = 0; k < stored.length; ++k) {
            leaves[k] = keccak256(bytes.concat(keccak256(abi.encode(k, stored[k].account, stored[k].amount))));
        }
        Leaf memory leaf = stored[i];
        bytes32[] memory proof = Merkle.proof(leaves, i);
        try tasks.claim(taskId, i, leaf.account, leaf.amount, proof) {
            ghostClaimed += leaf.amount;
            _count("claim");
        } catch {}
    }

    function _withdrawStake(uint256 taskId, address node) internal {
        IERC20 paid = tasks.getTaskParams(taskId).rewardToken;
        uint256 before = paid.balanceOf(node);
        vm.prank(node);
        try tasks.withdrawStake(taskId) {
            ghostStakesWithdrawn += paid.balanceOf(node) - before;
            _count("withdrawStake");
        } catch {}
    }

    function _withdrawRefund(uint256 taskId) internal {
        address creator = _creator(taskId);
        IERC20 paid = tasks.getTaskParams(taskId).rewardToken;
        uint256 before = paid.balanceOf(creator);
        vm.prank(creator);
        try tasks.withdrawRefund(taskId) {
            ghostRefunded += paid.balanceOf(creator) - before;
            _count("withdrawRefund");
        } catch {}
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────────────

    uint256 internal constant S_OPEN = 1;
    uint256 internal constant S_RUNNING = 2;
    uint256 internal constant S_FINISHED = 3;
    uint256 internal constant S_SETTLED = 4;
    uint256 internal constant S_DISPUTED = 5;
    uint256 internal constant S_CANCELLED = 6;
    uint256 internal constant S_ABANDONED = 7;

    function _bit(uint256 status) internal pure returns (uint256) {
        return 1 << status;
    }

    /// @dev A task whose status is in `statusMask` (searching from a random start), else any task, else 0.
    function _pickTask(uint256 seed, uint256 statusMask) internal view returns (uint256) {
        uint256 count = tasks.taskCount();
        if (count == 0) return 0;
        for (uint256 k = 0; k < count; ++k) {
            uint256 id = 1 + (seed + k) % count;
            (, ITrainingTasks.TaskStatus status,,) = tasks.getTaskState(id);
            if (statusMask & _bit(uint256(status)) != 0) return id;
        }
        return 1 + seed % count;
    }

    /// @dev An active member of the task without an update (or, with `reveal`, with an update but no reveal) in
    /// the current attempt, searching from a random start; a random node if there is none.
    function _memberWithout(uint256 taskId, uint256 seed, bool reveal) internal view returns (address) {
        (,, uint16 round,) = tasks.getTaskState(taskId);
        uint16 attempt = tasks.getRound(taskId, round).attempt;
        for (uint256 k = 0; k < NODES; ++k) {
            address node = _nodes[(seed + k) % NODES];
            ITrainingTasks.Member memory m = tasks.getMember(taskId, node);
            if (m.joinIndex == 0 || m.slashed) continue;
            bool submitted = tasks.updateOf(taskId, round, attempt, node) != 0;
            if (!reveal && !submitted) return node;
            if (reveal && submitted && tasks.revealOf(taskId, round, attempt, node) == 0) return node;
        }
        return _nodes[seed % NODES];
    }

    function _creator(uint256 taskId) internal view returns (address creator) {
        (creator,,,) = tasks.getTaskState(taskId);
    }

    function _settleDeadline(uint256 taskId) internal view returns (uint64 settleDeadline) {
        (,,,,, settleDeadline) = tasks.getSettlement(taskId);
    }

    function _mint(IERC20 paid, address to, uint256 amount) internal {
        if (address(paid) == address(token)) token.mint(to, amount);
        else feeToken.mint(to, amount);
    }

    /// @notice What TrainingTasks holds of both tokens.
    function escrowBalance() external view returns (uint256) {
        return token.balanceOf(address(tasks)) + feeToken.balanceOf(address(tasks));
    }

    /// @dev Time only moves forward (a jump back would let a dispute follow claims, which no real chain allows).
    function _advanceTo(uint256 t) internal {
        if (t > currentTime) currentTime = t;
    }

    function _count(bytes32 action) internal {
        calls[action] += 1;
    }
}
