import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { connect, type ChainContext } from "../../src/chain/client.ts";
import { openStore } from "../../src/storage/openStore.ts";
import { globalOptions } from "./cli.ts";

/** The `--account <index>` option (local dev accounts) shared by every command that sends transactions. */
export function accountOption(cmd: Command): Command {
  return cmd.option("-a, --account <index>", "local dev account index (on 0G networks set TWOPM_PRIVATE_KEY instead)", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${v}'`);
    return n;
  });
}

/** Chain context for a command: network from --network, account from --account / TWOPM_PRIVATE_KEY. */
export async function chainFor(cmd: Command): Promise<ChainContext> {
  const g = globalOptions(cmd);
  const opts = cmd.opts() as { account?: number };
  return connect({ network: g.network, accountIndex: opts.account });
}

/** The state directory (--home, default .2pm) resolved against the working directory. */
export function homeFor(cmd: Command): string {
  return path.resolve(globalOptions(cmd).home ?? ".2pm");
}

/** The content store: 0G when ZG_INDEXER_URL is set, else the local store in <home>/store. */
export function storeFor(cmd: Command): ReturnType<typeof openStore> {
  return openStore({ home: homeFor(cmd) });
}
