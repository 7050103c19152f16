// DatasetIndex events → schema, dataset, datasetVersion, account. Each handler returns early when its row
// already exists, so a replayed event changes nothing.
import { ponder } from "ponder:registry";
import { dataset, datasetVersion, schema } from "ponder:schema";
import { ENCRYPTION } from "../../src/chain/constants.ts";
import { addToAccount } from "./accounts.ts";

ponder.on("DatasetIndex:SchemaRegistered", async ({ event, context }) => {
  const { schemaId, schemaHash, registrant, uri } = event.args;
  if (await context.db.find(schema, { id: schemaId })) return;
  await context.db.insert(schema).values({
    id: schemaId, hash: schemaHash, registrant, uri, datasetCount: 0, taskCount: 0,
    createdBlock: event.block.number, createdAt: event.block.timestamp, createdTx: event.transaction.hash,
  });
});

ponder.on("DatasetIndex:DatasetRegistered", async ({ event, context }) => {
  const { datasetId, owner, schemaId, root, manifestRoot, rows, encryption, keyId, uri } = event.args;
  if (await context.db.find(dataset, { id: datasetId })) return;
  const block = event.block.number;
  const at = event.block.timestamp;
  await context.db.insert(dataset).values({
    id: datasetId, owner, schemaId, version: 1, root, manifestRoot, rows, encryption: ENCRYPTION[encryption] ?? "None",
    keyId, uri, retired: false, taskCount: 0,
    createdBlock: block, createdAt: at, createdTx: event.transaction.hash, updatedBlock: block, updatedAt: at,
  });
  await context.db.insert(datasetVersion).values({
    id: `${datasetId}-1`, datasetId, version: 1, root, manifestRoot, rows, keyId, uri, block, timestamp: at, tx: event.transaction.hash,
  });
  await context.db.update(schema, { id: schemaId }).set((s) => ({ datasetCount: s.datasetCount + 1 }));
  await addToAccount(context.db, owner, block, { datasetCount: 1 });
});

ponder.on("DatasetIndex:DatasetUpdated", async ({ event, context }) => {
  const { datasetId, version, root, manifestRoot, rows, keyId, uri } = event.args;
  const id = `${datasetId}-${version}`;
  if (await context.db.find(datasetVersion, { id })) return;
  const block = event.block.number;
  const at = event.block.timestamp;
  await context.db.insert(datasetVersion).values({
    id, datasetId, version, root, manifestRoot, rows, keyId, uri, block, timestamp: at, tx: event.transaction.hash,
  });
  await context.db.update(dataset, { id: datasetId }).set({ version, root, manifestRoot, rows, keyId, uri, updatedBlock: block, updatedAt: at });
});

ponder.on("DatasetIndex:DatasetRetired", async ({ event, context }) => {
  await context.db
    .update(dataset, { id: event.args.datasetId })
    .set({ retired: true, updatedBlock: event.block.number, updatedAt: event.block.timestamp });
});
