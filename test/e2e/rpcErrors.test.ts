// What a user sees when the RPC is not a working node: a server answering 401 is named as such, a closed port names
// the URL and the variable that sets it; under --json the error is a JSON line.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { rm } from "node:fs/promises";
import { zeroAddress, zeroHash } from "viem";
import { DEPLOYED_CONTRACTS, writeDeployment } from "../../src/chain/deployments.ts";
import { runCli, tempHome } from "../helpers/cli.ts";
import { freePort } from "../helpers/processes.ts";

describe("RPC errors name the URL and the cause", () => {
  let root: string;
  let server: Server;
  let port: number;
  before(async () => {
    root = await tempHome("2pm-rpc-root-");
    for (const [i, contractName] of DEPLOYED_CONTRACTS.entries()) {
      await writeDeployment(root, "localhost", { contractName, chainId: 31337, address: `0x${String(i + 1).padStart(40, "0")}`, transactionHash: zeroHash, blockNumber: 1, abi: [] });
    }
    // An RPC behind an authenticating proxy, with a wrong key.
    server = createServer((_req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid api key"}'));
    port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  });
  after(async () => {
    server?.close();
    await rm(root, { recursive: true, force: true });
  });

  const balance = (rpcUrl: string, json = false) =>
    runCli([...(json ? ["--json"] : []), "token", "balance", "--of", zeroAddress], { env: { TWOPM_ROOT: root, LOCALHOST_RPC_URL: rpcUrl } });

  it("an RPC answering 401 is an authentication problem, not a node that is down", async () => {
    const res = await balance(`http://user:secret@127.0.0.1:${port}/v1/secret-key`);
    assert.equal(res.code, 1);
    assert.equal(res.stderr.trim(), `error: the localhost RPC at http://127.0.0.1:${port} refused the request: HTTP 401 Unauthorized: check the credentials (API key) in LOCALHOST_RPC_URL`);
    assert.doesNotMatch(res.stderr, /secret/);
  });

  it("a closed port names the URL and LOCALHOST_RPC_URL; --json makes it a JSON line", async () => {
    const closed = await freePort();
    const res = await balance(`http://127.0.0.1:${closed}`);
    assert.equal(res.code, 1);
    assert.match(res.stderr.trim(), new RegExp(`^error: cannot reach the localhost RPC at http://127\\.0\\.0\\.1:${closed}: is the node running\\? \\(set LOCALHOST_RPC_URL for another URL; `));
    assert.equal(res.stderr.trim().split("\n").length, 1);
    const json = await balance(`http://127.0.0.1:${closed}`, true);
    assert.equal(json.code, 1);
    const error = JSON.parse(json.stderr) as { error: string; kind: string };
    assert.equal(error.kind, "ChainError");
    assert.match(error.error, /^cannot reach the localhost RPC at http:\/\/127\.0\.0\.1:\d+: is the node running\?/);
  });
});
