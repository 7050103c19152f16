// One `npm start` per checkout at a time: deployments/localhost and the Ignition journal belong to the checkout.
// The lock is a file created exclusively; a lock whose process is gone is stale and taken over.
import { rmSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";

export type StartLock = { release: () => Promise<void>; releaseSync: () => void };

/** Takes the lock `file` (exclusive create), or fails naming the running start. */
export async function takeStartLock(file: string, root: string): Promise<StartLock> {
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }), releaseSync: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(`another \`npm start\` (pid ${pid}) is running in this checkout: stop it first (its lock is ${path.relative(root, file)})`);
    }
    await rm(file, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not take the start lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
