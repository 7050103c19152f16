import type { Command } from "commander";
import { getAddress, isAddress, type Address } from "viem";
import { rewardTokenAbi } from "../../src/chain/abis.ts";
import { requireAccount } from "../../src/chain/client.ts";
import { write } from "../../src/chain/write.ts";
import { action, output } from "../lib/cli.ts";
import { formatTokenAmount, parseTokenAmount } from "../lib/amounts.ts";
import { accountOption, chainFor } from "../lib/context.ts";

function address(value: string): Address {
  if (!isAddress(value)) throw new Error(`'${value}' is not an address`);
  return getAddress(value);
}

export default function register(program: Command): void {
  const token = program.command("token").description("the reward token of the deployment (RewardToken on local chains and testnets)");

  accountOption(token.command("balance").description("reward token balance of an account").option("--of <address>", "account (default: the acting account)"))
    .action(action(async (opts: { of?: string }, cmd: Command) => {
      const ctx = await chainFor(cmd);
      const who = opts.of ? address(opts.of) : requireAccount(ctx).account.address;
      const balance = await ctx.contracts.rewardToken.read.balanceOf([who]);
      output(cmd, { account: who, balance }, () => `${who}: ${formatTokenAmount(balance)} TPM`);
    }));

  accountOption(
    token.command("mint").description("mint reward tokens (RewardToken owner only: local chains and testnets)")
      .requiredOption("--to <addresses...>", "recipients (each gets --amount)")
      .requiredOption("--amount <tokens>", "whole tokens, e.g. 1000"),
  ).action(action(async (opts: { to: string[]; amount: string }, cmd: Command) => {
    // Validate every recipient before the first transaction.
    const recipients = opts.to.map(address);
    const amount = parseTokenAmount(opts.amount);
    const ctx = await chainFor(cmd);
    const mints: Array<{ to: Address; transactionHash: string }> = [];
    for (const to of recipients) {
      const receipt = await write(ctx, { address: ctx.deployments.rewardToken.address, abi: rewardTokenAbi, functionName: "mint", args: [to, amount] }, `mint to ${to}`);
      mints.push({ to, transactionHash: receipt.transactionHash });
    }
    output(cmd, { amount, mints }, () => mints.map((m) => `minted ${opts.amount} TPM to ${m.to}`).join("\n"));
  }));
}
