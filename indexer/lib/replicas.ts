// `npm run indexer:serve`: read replicas of the GraphQL API for production. Runs INDEXER_REPLICAS (default 2)
// `ponder serve` processes that share one port (Node's cluster module: the primary accepts connections and hands
// them to the replicas in turn), reading the PostgreSQL schema that a `ponder start` instance writes — usually its
// stable views schema (`DATABASE_VIEWS_SCHEMA`). `ponder serve` does no indexing and needs PostgreSQL
// (DATABASE_URL). A replica that dies after it started serving is restarted; one that dies while starting (no such
// schema, no database…) stops them all with its exit code, so a misconfiguration is loud, not a silent half-start.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const indexerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`error: ${name} must be a positive integer, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

if (cluster.isPrimary) {
  if (!process.env.DATABASE_URL) {
    console.error("error: `ponder serve` reads PostgreSQL: set DATABASE_URL (and PONDER_SCHEMA to the views schema of the `ponder start` instance)");
    process.exit(1);
  }
  const replicas = positiveInteger("INDEXER_REPLICAS", Math.max(2, availableParallelism() - 1));
  const port = positiveInteger("PORT", 42069);
  const hostname = process.env.INDEXER_HOSTNAME || "127.0.0.1";
  const schema = process.env.PONDER_SCHEMA || "public";
  const args = ["serve", "--schema", schema, "--port", String(port), "--hostname", hostname, ...process.argv.slice(2)];
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args, cwd: indexerDir } as Parameters<typeof cluster.setupPrimary>[0]);

  let stopping = false;
  let started = 0;
  const serving = new Set<number>();
  const start = () => {
    // Each replica names itself in an `x-indexer-replica` response header (src/api/index.ts).
    const worker = cluster.fork({ INDEXER_REPLICA: String(++started) });
    worker.on("listening", (address) => {
      // Ponder moves to the next port when its port is taken: a replica elsewhere would serve nobody.
      if (address.port !== port) {
        console.error(`error: replica ${worker.process.pid} listens on port ${address.port}, not ${port} (is port ${port} taken by another process?)`);
        void stop(1);
        return;
      }
      serving.add(worker.id);
      if (serving.size === replicas) console.log(`indexer: ${replicas} ponder serve replicas on http://${hostname}:${port} (schema "${schema}")`);
    });
    worker.on("exit", (code, signal) => {
      const wasServing = serving.delete(worker.id);
      if (stopping) return;
      if (!wasServing) {
        console.error(`error: a ponder serve replica exited while starting (code ${code ?? signal}); see its output above`);
        void stop(code || 1);
        return;
      }
      console.error(`indexer: replica ${worker.process.pid} exited (code ${code ?? signal}); starting another`);
      start();
    });
  };
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      w.once("exit", () => resolve());
      w.process.kill("SIGINT"); // Ponder shuts down gracefully on SIGINT
    })));
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(0));
  for (let i = 0; i < replicas; i++) start();
} else {
  // A replica: Ponder's own CLI, with the arguments the primary passed (process.argv is `node <this file> serve …`).
  const ponderBin = path.join(indexerDir, "..", "node_modules/ponder/dist/esm/bin/ponder.js");
  const { existsSync } = await import("node:fs");
  const bin = existsSync(ponderBin) ? ponderBin : path.join(indexerDir, "node_modules/ponder/dist/esm/bin/ponder.js");
  await import(bin);
}
