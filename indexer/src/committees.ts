// The link between an FHE task and the committee holding its key, whichever of the two events comes first
// (TrainingTasks:FheInputsSet names the key; FheCommittees:CommitteeActivated gives a committee its key), through the
// fheKey row of the key: only cached find/insert/update, so a backfill never leaves Ponder's in-memory cache.
import type { Context } from "ponder:registry";
import { committee, fheKey, task } from "ponder:schema";

type Hex = `0x${string}`;

/** Records FHE task `taskId` under `keyId` and links it to the committee already holding the key, if any. */
export async function addTaskOfKey(db: Context["db"], keyId: Hex, taskId: bigint): Promise<void> {
  const key = await db
    .insert(fheKey)
    .values({ id: keyId, taskIds: [taskId] })
    .onConflictDoUpdate((row) => ({ taskIds: row.taskIds.includes(taskId) ? row.taskIds : [...row.taskIds, taskId] }));
  if (key.committeeId == null) return;
  await db.update(task, { id: taskId }).set({ committeeId: key.committeeId });
  await db.update(committee, { id: key.committeeId }).set((c) => ({ taskCount: c.taskCount + 1 }));
}

/** Gives `keyId` to committee `committeeId` and links the FHE tasks created under it before. */
export async function setCommitteeOfKey(db: Context["db"], keyId: Hex, committeeId: bigint): Promise<void> {
  const key = await db.insert(fheKey).values({ id: keyId, committeeId, taskIds: [] }).onConflictDoUpdate({ committeeId });
  for (const taskId of key.taskIds) await db.update(task, { id: taskId }).set({ committeeId });
  if (key.taskIds.length) await db.update(committee, { id: committeeId }).set((c) => ({ taskCount: c.taskCount + key.taskIds.length }));
}
