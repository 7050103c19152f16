// `npm start -- --no-demo` supervising its children: explicit ports, the indexer on 127.0.0.1 only, two starts at
// once, a killed indexer restarted, a dead chain or a taken port ending everything loudly with no process left.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, spawnGroup, waitFor, type Spawned } from "../helpers/processes.ts";

const root = path.resolve(import.meta.dirname, "../..");
const started: Array<{ start: Spawned; home: string }> = [];

type Ports = { rpc: number; indexer: number; dashboard: number };
type StartState = { pid: number; indexerUrl?: string; dashboardUrl?: string; pids: { node?: number; indexer?: number } };

async function ports(): Promise<Ports> {
  const [rpc, indexer, dashboard] = [await freePort(), await freePort(), await freePort()];
  return { rpc, indexer, dashboard };
}

async function npmStart(p: Ports): Promise<{ start: Spawned; home: string; ports: Ports }> {
  const home = await mkdtemp(path.join(tmpdir(), "2pm-start-"));
  const start = spawnGroup(process.execPath, [path.join(root, "scripts/start.ts"), "--no-demo"], {
    cwd: root,
    env: { ...process.env, TWOPM_RPC_PORT: String(p.rpc), TWOPM_INDEXER_PORT: String(p.indexer), TWOPM_DASHBOARD_PORT: String(p.dashboard), TWOPM_DEMO_HOME: home },
  });
  started.push({ start, home });
  return { start, home, ports: p };
}

const state = async (home: string): Promise<StartState> => JSON.parse(await readFile(path.join(home, "start.json"), "utf8"));
const exited = (s: Spawned) => s.child.exitCode !== null || s.child.signalCode !== null;
const untilExit = (s: Spawned, what: string) => waitFor(what, async () => (exited(s) ? s.child.exitCode : undefined), 180_000, 200);
async function untilOutput(s: Spawned, pattern: RegExp, what: string): Promise<void> {
  const seen = await waitFor(what, async () => (pattern.test(s.output()) ? "seen" : exited(s) ? "exited" : undefined), 180_000, 200);
  if (seen === "exited") assert.fail(`npm start exited ${s.child.exitCode} before ${what}:\n${s.output().slice(-3000)}`);
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The local addresses of the TCP sockets listening on `port` (from /proc/net/tcp and tcp6, hex as the kernel writes them). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
    readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === "0A" && f[1].endsWith(`:${hexPort}`)).map((f) => f[1].split(":")[0]));
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

after(async () => {
  for (const { start, home } of started) {
    await start.stop("SIGINT");
    // Belt and braces: whatever a failed test left of its children (each runs in its own process group).
    const s = await state(home).catch(() => undefined);
    for (const pid of Object.values(s?.pids ?? {})) if (pid) try { process.kill(-pid, "SIGKILL"); } catch {}
    await rm(home, { recursive: true, force: true });
  }
});

describe("npm start supervises its children", () => {
  it("two starts at once: one runs on the given ports with the indexer on 127.0.0.1, the other fails naming it; a killed indexer is restarted; a dead chain stops everything", async () => {
    const [a, b] = await Promise.all([ports().then(npmStart), ports().then(npmStart)]);
    const loser = await waitFor("one start to fail", async () => [a, b].find((s) => exited(s.start)), 60_000, 100);
    const winner = loser === a ? b : a;
    assert.equal(loser.start.child.exitCode, 1);
    assert.match(loser.start.output(), /^error: another `npm start` \(pid \d+\) is running in this checkout/m);
    await untilOutput(winner.start, /^Running\. Press Ctrl-C to stop\.$/m, "the winner to run");

    const s = await state(winner.home);
    const p = winner.ports;
    assert.equal(s.indexerUrl, `http://127.0.0.1:${p.indexer}`);
    assert.equal(s.dashboardUrl, `http://127.0.0.1:${p.dashboard}/`);
    assert.ok((await fetch(`${s.indexerUrl}/ready`)).ok);
    assert.ok((await fetch(s.dashboardUrl!)).ok);
    // 0100007F is 127.0.0.1 in /proc/net/tcp; the default would be 00000000 (0.0.0.0) or an all-zero tcp6 address.
    assert.deepEqual(listeners(p.indexer), ["0100007F"]);
    assert.deepEqual(listeners(p.dashboard), ["0100007F"]);

    // The indexer dies: restarted on the same port, and start.json names the new process.
    const firstIndexer = s.pids.indexer!;
    process.kill(-firstIndexer, "SIGKILL");
    await untilOutput(winner.start, /Indexer restarted: GraphQL at/, "the indexer to be restarted");
    const s2 = await state(winner.home);
    assert.notEqual(s2.pids.indexer, firstIndexer);
    assert.equal(s2.indexerUrl, s.indexerUrl);
    assert.ok((await fetch(`${s2.indexerUrl}/ready`)).ok);

    // The chain dies: one error line, exit code 1, and no child left running.
    process.kill(-s2.pids.node!, "SIGKILL");
    assert.equal(await untilExit(winner.start, "npm start to stop"), 1);
    assert.match(winner.start.output(), /^error: the Hardhat node exited \(SIGKILL\)/m);
    assert.equal(isAlive(s2.pids.indexer), false, "the indexer outlived npm start");
  });

  it("explicit ports taken (even after the free-port check) are one clear error each, with no child left", async () => {
    for (const which of ["indexer", "dashboard"] as const) {
      const p = await ports();
      const blocker = await occupy(p[which]);
      try {
        const { start, home } = await npmStart(p);
        assert.equal(await untilExit(start, `npm start to refuse the taken ${which} port`), 1);
        const variable = which === "indexer" ? "TWOPM_INDEXER_PORT" : "TWOPM_DASHBOARD_PORT";
        assert.match(start.output(), new RegExp(`^error: port ${p[which]} \\(${variable}\\) is in use: free it or choose another$`, "m"));
        assert.doesNotMatch(start.output(), /EADDRINUSE|    at /);
        const s = await state(home);
        assert.equal(isAlive(s.pids.node), false, "the Hardhat node outlived npm start");
        assert.equal(isAlive(s.pids.indexer), false, "the indexer outlived npm start");
      } finally {
        blocker.close();
      }
    }
  });
});
