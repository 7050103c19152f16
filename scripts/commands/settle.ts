// `2pm settle`, `verify-settlement`, `claim`, `dispute`, `resolve`, `slash`, `refund`: parse, call src/rewards, print.
// Over 250 lines for the help texts that say who may run each command and when.
import { InvalidArgumentError, type Command } from "commander";
import { getAddress, isHex, type Address, type Hex } from "viem";
import { setTimeout as sleep } from "node:timers/promises";
import { requireAccount, type ChainContext } from "../../src/chain/client.ts";
import {
  claimAllPayouts,
  claimPayout,
  computeTaskPayouts,
  describeChainTime,
  disputeSettlement,
  readPostedTable,
  readTaskSettlementState,
  resolveDispute,
  serializePayoutTable,
  settleTask,
  slashMember,
  verifySettlement,
  withdrawRefund,
  type PayoutDifference,
} from "../../src/rewards/index.ts";
import { writeFileAtomic } from "../../src/storage/atomicWrite.ts";
import { abortOnSigint, action, log, output, progress } from "../lib/cli.ts";
import { formatTokenAmount } from "../lib/amounts.ts";
import { accountOption, chainFor, storeFor } from "../lib/context.ts";
import { addressOption, taskIdOption } from "../lib/options.ts";


function rootOption(value: string): Hex {
  if (!isHex(value) || value.length !== 66) throw new InvalidArgumentError("expected a storage root (0x + 64 hex digits)");
  return value.toLowerCase() as Hex;
}

const tokens = (units: bigint) => `${formatTokenAmount(units)} TPM`;

function describeDifference(d: PayoutDifference): string {
  if (d.field === "leaf" && "account" in d) {
    return `leaf ${getAddress(d.account)}: expected ${d.expected ?? "no leaf"}, posted ${d.actual ?? "no leaf"}`;
  }
  return `${d.field}: expected ${d.expected ?? "(none)"}, posted ${d.actual ?? "(none)"}`;
}

export default function register(program: Command): void {
  settleCommand(program);
  verifySettlementCommand(program);
  claimCommand(program);
  disputeCommand(program);
  resolveCommand(program);
  slashCommand(program);
  refundCommand(program);
}

/** `2pm settle`. */
function settleCommand(program: Command): void {
  accountOption(
    program
      .command("settle")
      .description("compute a finished task's payout table from chain + storage, store it and post its root (settle)")
      .addHelpText("after", `
When: after the task's last round is finalized, by its aggregator, before the settle deadline (aggregator window);
if the aggregator stays silent, by any member with its stake in the task during one more aggregator window.
Claims open after the challenge window; a dispute hands the choice to the task's resolver (2pm resolve).
The payout table is stored (local store or 0G) and its storage root is appended to the settle transaction, so
anyone can find it; --dry-run only computes and prints it.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--dry-run", "compute the payout table and print root and total; send nothing")
      .option("--out <file>", "also write the payout table (indented JSON) to this file"),
  ).action(action(async (opts: { task: bigint; dryRun?: boolean; out?: string }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const store = storeFor(cmd);
    if (opts.dryRun) {
      const table = await computeTaskPayouts(ctx, store, opts.task);
      if (opts.out) await writeFileAtomic(opts.out, serializePayoutTable(table, { pretty: true }) + "\n");
      output(cmd, { taskId: opts.task, payoutRoot: table.root, total: table.total, leaves: table.leaves }, () =>
        [`task ${opts.task} payouts (dry run): root ${table.root}, total ${tokens(table.total)}`,
          ...table.leaves.map((l, i) => `  leaf ${i} ${getAddress(l.account)} ${tokens(l.amount)} (${l.amount})`)].join("\n"));
      return;
    }
    const settled = await settleTask(ctx, store, opts.task);
    if (opts.out) await writeFileAtomic(opts.out, serializePayoutTable(settled.table, { pretty: true }) + "\n");
    const { claimsOpenAt, now } = await readTaskSettlementState(ctx, opts.task);
    output(cmd, {
      taskId: opts.task, payoutRoot: settled.payoutRoot, total: settled.total, tableRoot: settled.tableRoot,
      leaves: settled.table.leaves, claimsOpenAt, transactionHash: settled.transactionHash,
    }, () => [
      `settled task ${opts.task}: payout root ${settled.payoutRoot}, total ${tokens(settled.total)} in ${settled.table.leaves.length} leaves`,
      `payout table stored at ${settled.tableRoot}; claims open at ${describeChainTime(claimsOpenAt, now)}`,
    ].join("\n"));
  }));
}

/** `2pm verify-settlement`. */
function verifySettlementCommand(program: Command): void {
  program
    .command("verify-settlement")
    .description("recompute a settled task's payout table from chain + storage alone and compare it with the posted root")
    .addHelpText("after", `
When: any time after a task is settled, by anyone (no account needed). Prints "OK <root>" when the posted root and
total are exactly what the rules give; otherwise prints the first differing leaf (or the total/root when the
posted table is not available) and exits with code 1: members can then dispute inside the challenge window.`)
    .requiredOption("--task <id>", "task id", taskIdOption)
    .option("--table <root>", "storage root of the posted payout table (default: the one appended to the settle transaction)", rootOption)
    .action(action(async (opts: { task: bigint; table?: Hex }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      const result = await verifySettlement(ctx, storeFor(cmd), opts.task, { tableRoot: opts.table });
      const base = { taskId: opts.task, ok: result.ok, status: result.status, postedRoot: result.posted.root, postedTotal: result.posted.total, recomputedRoot: result.table.root, recomputedTotal: result.table.total };
      if (result.ok) {
        output(cmd, base, () => `OK ${result.posted.root}`);
        return;
      }
      process.exitCode = 1;
      output(cmd, { ...base, firstDifference: result.firstDifference, postedTableRoot: result.postedTableRoot, postedTableProblem: result.postedTableProblem }, () => [
        `MISMATCH task ${opts.task}: ${describeDifference(result.firstDifference)}`,
        `posted root ${result.posted.root} total ${result.posted.total}; recomputed root ${result.table.root} total ${result.table.total}`,
        ...(result.postedTableProblem ? [`(${result.postedTableProblem})`] : []),
        result.status === "Settled" ? `members can dispute it inside the challenge window: 2pm dispute --task ${opts.task}` : "the settlement is disputed: the creator re-settles it",
      ].join("\n"));
    }));
}

/** `2pm claim`. */
function claimCommand(program: Command): void {
  accountOption(
    program
      .command("claim")
      .description("claim a payout of a settled task by Merkle proof (the table is recomputed from chain + storage)")
      .addHelpText("after", `
When: once a task is settled and its challenge window is over (not while disputed). Anyone may send a claim for
any account (--for); the tokens always go to that account. --all claims every leaf not claimed yet.
The claim is refused (nothing sent) when the posted root differs from the recomputed one: verify and dispute it.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--for <address>", "account whose payout to claim (default: the acting account)", addressOption)
      .option("--all", "claim every unclaimed leaf of the task")
      .option("--wait", "wait until the challenge window is over instead of refusing (Ctrl-C stops)")
      .option("--use-posted-table", "claim from the table the settler published (when it was not disputed in time) instead of the recomputed one"),
  ).action(action(async (opts: { task: bigint; for?: Address; all?: boolean; wait?: boolean; usePostedTable?: boolean }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const store = storeFor(cmd);
    if (opts.all && opts.for) throw new Error("use either --for <address> or --all, not both");
    if (opts.wait) await waitForClaimsOpen(cmd, ctx, opts.task);
    let table;
    if (opts.usePostedTable) {
      const state = await readTaskSettlementState(ctx, opts.task);
      const posted = await readPostedTable(ctx, store, opts.task, { root: state.root, total: state.total });
      if (!posted.table) throw new Error(`cannot use the posted table of task ${opts.task}: ${posted.problem}`);
      table = posted.table;
    }
    if (opts.all) {
      let bar: ReturnType<typeof progress> | undefined;
      const result = await claimAllPayouts(ctx, store, opts.task, {
        table,
        onProgress: (done, total) => (bar ??= progress(cmd, "claiming", total)).update(done),
      });
      bar?.stop();
      output(cmd, { taskId: opts.task, ...result }, () => [
        ...result.claimed.map((c) => `claimed ${tokens(c.amount)} (${c.amount}) for ${c.account} (leaf ${c.index})`),
        `task ${opts.task}: ${result.claimed.length} claimed now, ${result.alreadyClaimed.length} claimed before`,
      ].join("\n"));
      return;
    }
    const account = opts.for ?? requireAccount(ctx).account.address;
    const claimed = await claimPayout(ctx, store, opts.task, account, { table });
    output(cmd, { taskId: opts.task, ...claimed }, () =>
      `claimed ${tokens(claimed.amount)} (${claimed.amount}) for ${claimed.account} (task ${opts.task}, leaf ${claimed.index})`);
  }));
}

/** `2pm dispute`. */
function disputeCommand(program: Command): void {
  accountOption(
    program
      .command("dispute")
      .description("dispute a task's settlement by proposing the payout table recomputed from chain + storage")
      .addHelpText("after", `
When: by a member with its stake in the task (not the creator, not the aggregator), once, after settlement and
before the challenge window ends. The settlement is verified first; a correct one is not disputed unless --force.
The recomputed table is stored and proposed on chain; claims then wait for the task's resolver, who picks the
original or a proposal (2pm resolve). If the resolver stays silent, the original pays from the resolve deadline.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .option("--table <root>", "storage root of the posted payout table, if the settle transaction did not carry it", rootOption)
      .option("--force", "dispute even if the settlement verifies"),
  ).action(action(async (opts: { task: bigint; table?: Hex; force?: boolean }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const result = await disputeSettlement(ctx, storeFor(cmd), opts.task, { tableRoot: opts.table, force: opts.force });
    output(cmd, { taskId: opts.task, ...result }, () =>
      `disputed the settlement of task ${opts.task}${result.firstDifference ? ` (${describeDifference(result.firstDifference)})` : ""}: proposed root ${result.proposed.root} (table ${result.proposed.tableRoot}); the resolver decides until ${describeChainTime(result.resolveDeadline, result.resolveDeadline)}`);
  }));
}

/** `2pm resolve`. */
function resolveCommand(program: Command): void {
  accountOption(
    program
      .command("resolve")
      .description("task resolver: decide a dispute by picking the payout recomputed from chain + storage")
      .addHelpText("after", `
When: by the resolver named at task creation, after the challenge window and before the resolve deadline (one more
challenge window). The payout table is recomputed; the candidate that equals it (the original settlement or a
member's proposal) is picked and claims open at once. No candidate matches: nothing is sent (the original then
stands at the resolve deadline).`)
      .requiredOption("--task <id>", "task id", taskIdOption),
  ).action(action(async (opts: { task: bigint }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const result = await resolveDispute(ctx, storeFor(cmd), opts.task);
    output(cmd, { taskId: opts.task, ...result }, () =>
      `resolved the dispute of task ${opts.task}: ${result.original ? "the original settlement" : "a member's proposal"} pays (root ${result.payoutRoot}, total ${tokens(result.total)}); claims are open`);
  }));
}

/** `2pm slash`. */
function slashCommand(program: Command): void {
  accountOption(
    program
      .command("slash")
      .description("slash a member that objectively missed a round: its stake joins the reward pool")
      .addHelpText("after", `
When: by anyone, while the task runs or is finished but not yet settled, for a member with no update in a round
after its submit deadline (or in a finalized round), or with an update but no seed reveal after the reveal deadline
of an attempt where some member dropped. The aggregator's finalization and restart do this for every member that
missed the round; this command is for when it has not happened yet.`)
      .requiredOption("--task <id>", "task id", taskIdOption)
      .requiredOption("--node <address>", "the member to slash", addressOption)
      .requiredOption("--round <n>", "the round it missed", (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError("expected a round number (1..65535)");
        return n;
      }),
  ).action(action(async (opts: { task: bigint; node: Address; round: number }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const result = await slashMember(ctx, opts.task, opts.node, opts.round);
    output(cmd, { taskId: opts.task, round: opts.round, ...result }, () =>
      `slashed ${result.node} for round ${opts.round} of task ${opts.task}: its stake of ${tokens(result.amount)} joins the reward pool`);
  }));
}

/** `2pm refund`. */
function refundCommand(program: Command): void {
  accountOption(
    program
      .command("refund")
      .description("task creator: take back what will not be paid out (withdrawRefund)")
      .addHelpText("after", `
When: by the task's creator, once the task is cancelled (the budget), abandoned (budget + slashed stakes) or settled
with a total below the pool (the difference, once claims open), and after the claim period everything that was not
claimed. An honest settlement pays the whole pool and gives the creator's rounding remainder as a payout leaf:
claim that with 2pm claim.`)
      .requiredOption("--task <id>", "task id", taskIdOption),
  ).action(action(async (opts: { task: bigint }, cmd: Command) => {
    const ctx = await chainFor(cmd);
    const result = await withdrawRefund(ctx, opts.task);
    output(cmd, { taskId: opts.task, ...result }, () => `refunded ${tokens(result.amount)} (${result.amount}) of task ${opts.task} to its creator`);
  }));
}

/** Returns once the task's claims are open, or its status says waiting is pointless (the claim then explains). */
async function waitForClaimsOpen(cmd: Command, ctx: ChainContext, taskId: bigint): Promise<void> {
  const signal = abortOnSigint();
  for (let told = false; ; told = true) {
    const state = await readTaskSettlementState(ctx, taskId);
    if ((state.status !== "Settled" && state.status !== "Disputed") || state.now >= state.claimsOpenAt) return;
    if (!told) log(cmd, `claims of task ${taskId} open at ${describeChainTime(state.claimsOpenAt, state.now)}: waiting`);
    await sleep(1_000, undefined, { signal }).catch(() => {
      throw new Error(`stopped waiting for the claims of task ${taskId} to open`);
    });
  }
}
