// The link between an FHE task and the committee holding its key, whichever of the two events comes first
// (TrainingTasks:FheInputsSet names the key; FheCommittees:CommitteeActivated gives a committee its key).
import { eq } from "ponder";
import type { Context } from "ponder:registry";
import { committee, task } from "ponder:schema";

/**
 * Links the FHE tasks under `keyId` to committee `committeeId` (tasks created before the committee's keys were
 * confirmed; TrainingTasks:FheInputsSet links the later ones) and counts them.
 */
export async function linkTasksOfKey(db: Context["db"], committeeId: bigint, keyId: `0x${string}`): Promise<void> {
  const linked = await db.sql.update(task).set({ committeeId }).where(eq(task.fheKeyId, keyId)).returning({ id: task.id });
  if (linked.length) await db.update(committee, { id: committeeId }).set((c) => ({ taskCount: c.taskCount + linked.length }));
}

/** The Active (or ended) committee holding `keyId`, if any: TrainingTasks:FheInputsSet links its task to it. */
export async function committeeOfKey(db: Context["db"], keyId: `0x${string}`): Promise<bigint | undefined> {
  const [row] = await db.sql.select({ id: committee.id }).from(committee).where(eq(committee.keyId, keyId)).limit(1);
  return row?.id;
}
