// Starts the Ponder indexer as a supervised child of `npm start`.
import path from "node:path";
import { startChild, stopChild, waitUntil, type Child } from "./processes.ts";
import type { PortSetting } from "./ports.ts";

/**
 * Starts Ponder and resolves with the port it really listens on (Ponder moves to the next port when one is taken,
 * even between our check and its listen): read from its "Created HTTP server" log line.
 */
export async function startIndexer(root: string, env: NodeJS.ProcessEnv, setting: PortSetting, hostname: string, onSpawn: (pid: number) => Promise<void>): Promise<{ child: Child; port: number }> {
  // Ponder's bin through our own Node (its shebang would take whatever `node` is first on PATH).
  const child = startChild("the indexer", process.execPath, [path.join(root, "node_modules/ponder/dist/esm/bin/ponder.js"),
    "start", "--schema", "demo", "--port", String(setting.port), "--hostname", hostname, "--log-format", "json"], { cwd: path.join(root, "indexer"), env });
  await onSpawn(child.process.pid!);
  let port: number | undefined;
  let partial = "";
  child.process.stdout?.on("data", (d: Buffer) => {
    const lines = (partial + d).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (port !== undefined || !line.includes("Created HTTP server")) continue;
      try {
        port = (JSON.parse(line) as { port?: number }).port;
      } catch {}
    }
  });
  await waitUntil("the indexer", async () => port !== undefined, child);
  if (port !== setting.port && setting.explicit) {
    await stopChild(child);
    throw new Error(`port ${setting.port} (TWOPM_INDEXER_PORT) is in use: free it or choose another`);
  }
  return { child, port: port! };
}
