// `2pm committee`: parses, prints and calls the committee protocol (src/fhe/runner/committee).
import { InvalidArgumentError, type Command } from "commander";
import { zeroHash, type Address } from "viem";
import {
  commitCommitteeKeyShare, confirmCommitteeKeys, createCommittee, failCommitteeSetup, generateCommitteeKeyShare, readCommittee,
  retireCommittee, slashMissingShares, withdrawCommitteeCredit, withdrawCommitteeStake, type ConfirmCommitteeKeysEvent,
} from "../../src/fhe/runner/index.ts";
import { formatTokenAmount } from "../lib/amounts.ts";
import { abortOnSigint, action, log, output } from "../lib/cli.ts";
import { accountOption, chainFor, homeFor, storeFor } from "../lib/context.ts";
import { addressOption, intOption, taskIdOption, tokenOption } from "../lib/options.ts";

/** A committee id (positive integer). */
export function committeeIdOption(value: string): bigint {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError(`expected a positive committee id, got '${value}'`);
  return BigInt(value);
}

const addressList = (v: string): Address[] => v.split(",").map((s) => s.trim()).filter(Boolean).map(addressOption);
const committeeOption = (cmd: Command) => cmd.requiredOption("--committee <id>", "committee id", committeeIdOption);
const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();

export default function register(program: Command): void {
  const committee = program.command("committee").description("threshold FHE committees: n members jointly hold a CKKS key none of them can use alone")
    .addHelpText("after", `
A committee's key setup, each member in its own --home (its secret share stays there, 0600):
  2pm committee create --members 0xA…,0xB…,0xC… --stake 10 -a 0        # anyone; prints the committee id
  2pm committee keygen --committee 1 -a 1                               # each member: its key share, locally
  2pm committee join --committee 1 -a 1                                 # each member: stake + commit the share's root
  2pm committee confirm --committee 1 --wait -a 1                       # each member: reveal, assemble, confirm
  2pm committee show 1                                                  # Active: contributors can encrypt under it
Then: \`2pm data register --encrypt --committee 1\`, \`2pm fhe task create\`, \`2pm fhe compute\`, each member
\`2pm fhe share --task T\`, the aggregator \`2pm fhe publish --task T\`, anyone \`2pm fhe verify --task T\`.`);

  accountOption(committee.command("create").description("create a committee (n-of-n) with a fixed member list; each member stakes")
    .requiredOption("--members <addresses>", "comma-separated member addresses, in seat order", addressList)
    .requiredOption("--stake <amount>", "each member's stake in reward tokens", tokenOption("--stake"))
    .option("--stake-token <address>", "token of the stakes (default: the deployment's reward token)", addressOption)
    .option("--setup-period <seconds>", "time for every member to commit and confirm", intOption("--setup-period", 1, 365 * 86_400), 3_600)
    .option("--unbonding <seconds>", "how long stakes stay slashable after the committee ends", intOption("--unbonding", 0, 365 * 86_400), 86_400))
    .action(action(async (opts: { members: Address[]; stake: bigint; stakeToken?: Address; setupPeriod: number; unbonding: number }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      const r = await createCommittee(ctx, {
        members: opts.members, stake: opts.stake, stakeToken: opts.stakeToken ?? ctx.deployments.rewardToken.address,
        setupPeriod: opts.setupPeriod, unbondingPeriod: opts.unbonding,
      });
      output(cmd, { ...r, members: opts.members },
        () => `created committee ${r.committeeId} of ${opts.members.length} members (seed ${r.seed}); setup until ${iso(r.setupDeadline)}: each member runs keygen, join, confirm`);
    }));

  accountOption(committeeOption(committee.command("keygen").description("a member: generate your key share for your seat (kept in <home>/committees/<id>/, not uploaded)")))
    .action(action(async (opts: { committee: bigint }, cmd: Command) => {
      const r = await generateCommitteeKeyShare(await chainFor(cmd), { committeeId: opts.committee, home: homeFor(cmd) });
      output(cmd, r, () => `${r.generated ? "generated" : "kept the existing"} key share of member ${r.member} of ${r.members} (root ${r.keyShareRoot}); secret state ${r.statePath}`);
    }));

  accountOption(committeeOption(committee.command("join").description("a member: stake and commit the root of your key share (run keygen first)")))
    .action(action(async (opts: { committee: bigint }, cmd: Command) => {
      const r = await commitCommitteeKeyShare(await chainFor(cmd), { committeeId: opts.committee, home: homeFor(cmd) });
      output(cmd, r, () => r.transactionHash
        ? `staked ${formatTokenAmount(r.stake)} and committed key share ${r.keyShareRoot} to committee ${r.committeeId}`
        : `already committed key share ${r.keyShareRoot} to committee ${r.committeeId}`);
    }));

  accountOption(committeeOption(committee.command("confirm").description("a member: once all committed, upload your key share, assemble the committee keys and confirm them")
    .option("--wait", "wait for the other members' commitments and key shares (until the setup deadline)")))
    .action(action(async (opts: { committee: bigint; wait?: boolean }, cmd: Command) => {
      const onEvent = (e: ConfirmCommitteeKeysEvent) => log(cmd, e.type === "waiting" ? `waiting for the ${e.for} of ${e.missing.join(", ")}`
        : e.type === "uploaded" ? `uploaded your key share ${e.keyShareRoot}` : `assembled the committee keys: key ${e.keyId}, stored as ${e.keysRoot}`);
      const r = await confirmCommitteeKeys(await chainFor(cmd), storeFor(cmd), {
        committeeId: opts.committee, home: homeFor(cmd), wait: opts.wait, signal: opts.wait ? abortOnSigint() : undefined, onEvent,
      });
      output(cmd, r, () => `${r.transactionHash ? "confirmed" : "already confirmed"} key ${r.keyId} (keys ${r.keysRoot}) of committee ${r.committeeId}: ${r.status}`);
    }));

  committee.command("show").description("a committee's status, members, key and stakes").argument("<id>", "committee id", committeeIdOption)
    .action(action(async (id: bigint, _opts: unknown, cmd: Command) => {
      const ctx = await chainFor(cmd);
      const c = await readCommittee(ctx, id);
      const members = c.members;
      output(cmd, c, () => [
        `committee ${id}: ${c.status}, ${c.members.length}-of-${c.members.length}, stake ${formatTokenAmount(c.stake)} each, setup until ${iso(c.setupDeadline)}`,
        `  seed ${c.seed}`,
        ...(c.status === "Active" || c.keyId !== zeroHash ? [`  key ${c.keyId}, keys file ${c.keysRoot}`] : []),
        ...members.map((m) => `  member ${m.member} ${m.address}: ${m.slashed ? "slashed" : m.confirmed ? "confirmed" : m.committed ? "committed" : "not committed"}`),
      ].join("\n"));
    }));

  accountOption(committeeOption(committee.command("retire").description("the creator or a member: retire an Active committee (stakes unbond)")))
    .action(action(async (opts: { committee: bigint }, cmd: Command) => {
      const r = await retireCommittee(await chainFor(cmd), opts.committee);
      output(cmd, { committeeId: opts.committee, ...r }, () => `retired committee ${opts.committee}`);
    }));

  accountOption(committeeOption(committee.command("fail").description("anyone: end a setup that missed its deadline (stakes withdrawable at once)")))
    .action(action(async (opts: { committee: bigint }, cmd: Command) => {
      const r = await failCommitteeSetup(await chainFor(cmd), opts.committee);
      output(cmd, { committeeId: opts.committee, ...r }, () => `committee ${opts.committee}'s setup failed: members can withdraw their stakes`);
    }));

  accountOption(committee.command("withdraw").description("a member: withdraw your stake (failed setup, or after unbonding); --credit: slashed stakes credited to you")
    .option("--committee <id>", "committee id (your stake)", committeeIdOption)
    .option("--credit", "withdraw the slashed stakes credited to you (a task creator) instead")
    .option("--token <address>", "with --credit: the stake token (default: the deployment's reward token)", addressOption))
    .action(action(async (opts: { committee?: bigint; credit?: boolean; token?: Address }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      if (opts.credit === (opts.committee !== undefined)) throw new InvalidArgumentError("pass --committee <id> (your stake) or --credit (slashed stakes credited to you)");
      const r = opts.credit
        ? await withdrawCommitteeCredit(ctx, opts.token ?? ctx.deployments.rewardToken.address)
        : await withdrawCommitteeStake(ctx, opts.committee!);
      output(cmd, r, () => `withdrew ${formatTokenAmount(r.amount)} ${opts.credit ? "of credited stakes" : `of stake from committee ${opts.committee}`}`);
    }));

  accountOption(committee.command("slash").description("anyone: after a committee task's share window, slash every member that posted nothing")
    .requiredOption("--task <id>", "the FHE task whose result went unshared", taskIdOption))
    .action(action(async (opts: { task: bigint }, cmd: Command) => {
      const r = await slashMissingShares(await chainFor(cmd), storeFor(cmd), { taskId: opts.task });
      output(cmd, r, () => `slashed ${r.slashed.map((s) => s.member).join(", ")} (committee ${r.committeeId} is Broken); their stakes are credited to the task's creator ${r.beneficiary} (\`2pm committee withdraw --credit\`)`);
    }));
}
