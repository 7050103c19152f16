import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { encodeAbiParameters, getAddress, keccak256 } from "viem";
import { b32, deployContracts, ENC, KEY_ID, OTHER_SCHEMA_HASH, SCHEMA_HASH, ZERO_HASH, type Fixture } from "./fixtures.ts";

const { networkHelpers } = await network.create();

/** Base fixture: 2 schemas, datasets 1..5 (plaintext, schema 1) owned by nodes 0..4. */
function load(): Promise<Fixture> {
  return networkHelpers.loadFixture(deployContracts);
}

const commitment = (root: `0x${string}`, manifestRoot: `0x${string}`, rows: bigint, keyId: `0x${string}`) =>
  keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }, { type: "uint64" }, { type: "bytes32" }], [root, manifestRoot, rows, keyId]));

describe("DatasetIndex.registerSchema", () => {
  it("registers a schema, emits SchemaRegistered and maps hash <-> id", async () => {
    const f = await load();
    const hash = b32("schema:iris");
    const registrant = f.outsider;
    const { result } = await f.datasetIndex.simulate.registerSchema([hash, "0g://iris"], { account: registrant.account.address });
    assert.equal(result, 3n);
    const tx = await f.datasetIndex.write.registerSchema([hash, "0g://iris"], { account: registrant.account });
    await f.viem.assertions.emitWithArgs(tx, f.datasetIndex, "SchemaRegistered", [3n, hash, getAddress(registrant.account.address), "0g://iris"]);
    assert.equal(await f.datasetIndex.read.schemaCount(), 3n);
    assert.equal(await f.datasetIndex.read.schemaHashOf([3n]), hash);
    assert.equal(await f.datasetIndex.read.schemaIdOf([hash]), 3n);
    assert.equal(await f.datasetIndex.read.schemaIdOf([SCHEMA_HASH]), 1n);
    assert.equal(await f.datasetIndex.read.schemaIdOf([b32("never registered")]), 0n);
  });

  it("reverts on a zero hash", async () => {
    const f = await load();
    await f.viem.assertions.revertWithCustomError(f.datasetIndex.write.registerSchema([ZERO_HASH, "x"]), f.datasetIndex, "DatasetIndexInvalidSchemaHash");
  });

  it("reverts when the hash is already registered, naming the existing id", async () => {
    const f = await load();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.registerSchema([OTHER_SCHEMA_HASH, "dup"], { account: f.outsider.account }),
      f.datasetIndex,
      "DatasetIndexSchemaExists",
      [OTHER_SCHEMA_HASH, 2n],
    );
  });

  it("schemaHashOf reverts for unknown ids", async () => {
    const f = await load();
    for (const id of [0n, 3n]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(f.datasetIndex.read.schemaHashOf([id]), f.datasetIndex, "DatasetIndexUnknownSchema", [id]);
    }
  });
});

describe("DatasetIndex.registerDataset", () => {
  it("registers a plaintext dataset: event, stored record, commitment", async () => {
    const f = await load();
    const owner = f.outsider;
    const [root, manifestRoot, rows] = [b32("root"), b32("manifest"), 344n];
    const tx = await f.datasetIndex.write.registerDataset([2n, root, manifestRoot, rows, ENC.None, ZERO_HASH, "0g://manifest"], { account: owner.account });
    await f.viem.assertions.emitWithArgs(tx, f.datasetIndex, "DatasetRegistered", [
      6n, getAddress(owner.account.address), 2n, root, manifestRoot, rows, ENC.None, ZERO_HASH, "0g://manifest",
    ]);
    assert.equal(await f.datasetIndex.read.datasetCount(), 6n);
    const d = await f.datasetIndex.read.getDataset([6n]);
    assert.deepEqual(d, {
      owner: getAddress(owner.account.address),
      schemaId: 2,
      version: 1,
      encryption: ENC.None,
      retired: false,
      commitment: commitment(root, manifestRoot, rows, ZERO_HASH),
    });
    assert.equal(await f.datasetIndex.read.isCommitted([6n, root, manifestRoot, rows, ZERO_HASH]), true);
  });

  it("registers a CKKS dataset with its key id; isCommitted binds every committed value", async () => {
    const f = await load();
    const [root, manifestRoot, rows] = [b32("cipher"), b32("cipher manifest"), 1000n];
    const tx = await f.datasetIndex.write.registerDataset([1n, root, manifestRoot, rows, ENC.CKKS, KEY_ID, "u"], { account: f.nodes[0].account });
    await f.viem.assertions.emitWithArgs(tx, f.datasetIndex, "DatasetRegistered", [
      6n, getAddress(f.nodes[0].account.address), 1n, root, manifestRoot, rows, ENC.CKKS, KEY_ID, "u",
    ]);
    const d = await f.datasetIndex.read.getDataset([6n]);
    assert.equal(d.encryption, ENC.CKKS);
    assert.equal(d.commitment, commitment(root, manifestRoot, rows, KEY_ID));
    const read = f.datasetIndex.read.isCommitted;
    assert.equal(await read([6n, root, manifestRoot, rows, KEY_ID]), true);
    assert.equal(await read([6n, b32("other"), manifestRoot, rows, KEY_ID]), false);
    assert.equal(await read([6n, root, b32("other"), rows, KEY_ID]), false);
    assert.equal(await read([6n, root, manifestRoot, rows + 1n, KEY_ID]), false);
    assert.equal(await read([6n, root, manifestRoot, rows, b32("other key")]), false);
    assert.equal(await read([5n, root, manifestRoot, rows, KEY_ID]), false);
  });

  it("reverts for an unknown schema", async () => {
    const f = await load();
    for (const id of [0n, 3n]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.datasetIndex.write.registerDataset([id, b32("r"), b32("m"), 1n, ENC.None, ZERO_HASH, ""]),
        f.datasetIndex,
        "DatasetIndexUnknownSchema",
        [id],
      );
    }
  });

  it("reverts when root, manifest root or rows is zero", async () => {
    const f = await load();
    const cases: [`0x${string}`, `0x${string}`, bigint][] = [
      [ZERO_HASH, b32("m"), 1n],
      [b32("r"), ZERO_HASH, 1n],
      [b32("r"), b32("m"), 0n],
    ];
    for (const [root, manifestRoot, rows] of cases) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        f.datasetIndex.write.registerDataset([1n, root, manifestRoot, rows, ENC.None, ZERO_HASH, ""]),
        f.datasetIndex,
        "DatasetIndexInvalidCommitment",
        [root, manifestRoot, rows],
      );
    }
  });

  it("reverts when the key id does not fit the encryption", async () => {
    const f = await load();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.registerDataset([1n, b32("r"), b32("m"), 1n, ENC.None, KEY_ID, ""]),
      f.datasetIndex,
      "DatasetIndexInvalidKeyId",
      [ENC.None, KEY_ID],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.registerDataset([1n, b32("r"), b32("m"), 1n, ENC.CKKS, ZERO_HASH, ""]),
      f.datasetIndex,
      "DatasetIndexInvalidKeyId",
      [ENC.CKKS, ZERO_HASH],
    );
  });

  it("getDataset reverts and isCommitted is false for unknown ids", async () => {
    const f = await load();
    for (const id of [0n, 6n]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(f.datasetIndex.read.getDataset([id]), f.datasetIndex, "DatasetIndexUnknownDataset", [id]);
      assert.equal(await f.datasetIndex.read.isCommitted([id, ZERO_HASH, ZERO_HASH, 0n, ZERO_HASH]), false);
    }
  });
});

describe("DatasetIndex.updateDataset", () => {
  it("bumps the version, replaces the commitment and emits DatasetUpdated", async () => {
    const f = await load();
    const d = f.datasets[0];
    const owner = f.nodes[0];
    const [root, manifestRoot, rows] = [b32("root v2"), b32("manifest v2"), 200n];
    const { result } = await f.datasetIndex.simulate.updateDataset([d.id, root, manifestRoot, rows, ZERO_HASH, "v2"], { account: owner.account.address });
    assert.equal(result, 2);
    const tx = await f.datasetIndex.write.updateDataset([d.id, root, manifestRoot, rows, ZERO_HASH, "v2"], { account: owner.account });
    await f.viem.assertions.emitWithArgs(tx, f.datasetIndex, "DatasetUpdated", [d.id, 2, root, manifestRoot, rows, ZERO_HASH, "v2"]);
    const stored = await f.datasetIndex.read.getDataset([d.id]);
    assert.equal(stored.version, 2);
    assert.equal(stored.schemaId, 1);
    assert.equal(stored.owner, d.owner);
    assert.equal(stored.commitment, commitment(root, manifestRoot, rows, ZERO_HASH));
    assert.equal(await f.datasetIndex.read.isCommitted([d.id, d.root, d.manifestRoot, d.rows, ZERO_HASH]), false);
    assert.equal(await f.datasetIndex.read.isCommitted([d.id, root, manifestRoot, rows, ZERO_HASH]), true);
    const tx3 = await f.datasetIndex.write.updateDataset([d.id, root, manifestRoot, rows + 1n, ZERO_HASH, "v3"], { account: owner.account });
    await f.viem.assertions.emitWithArgs(tx3, f.datasetIndex, "DatasetUpdated", [d.id, 3, root, manifestRoot, rows + 1n, ZERO_HASH, "v3"]);
  });

  it("a CKKS dataset may rotate its key but never drop it", async () => {
    const f = await load();
    await f.datasetIndex.write.registerDataset([1n, b32("c"), b32("cm"), 10n, ENC.CKKS, KEY_ID, ""], { account: f.nodes[1].account });
    const newKey = b32("rotated key");
    const tx = await f.datasetIndex.write.updateDataset([6n, b32("c2"), b32("cm2"), 10n, newKey, ""], { account: f.nodes[1].account });
    await f.viem.assertions.emitWithArgs(tx, f.datasetIndex, "DatasetUpdated", [6n, 2, b32("c2"), b32("cm2"), 10n, newKey, ""]);
    assert.equal(await f.datasetIndex.read.isCommitted([6n, b32("c2"), b32("cm2"), 10n, newKey]), true);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([6n, b32("c3"), b32("cm3"), 10n, ZERO_HASH, ""], { account: f.nodes[1].account }),
      f.datasetIndex,
      "DatasetIndexInvalidKeyId",
      [ENC.CKKS, ZERO_HASH],
    );
  });

  it("reverts for unknown datasets, other owners, retired datasets and invalid commitments", async () => {
    const f = await load();
    const { assertions } = f.viem;
    const owner = f.nodes[0];
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([9n, b32("r"), b32("m"), 1n, ZERO_HASH, ""], { account: owner.account }),
      f.datasetIndex,
      "DatasetIndexUnknownDataset",
      [9n],
    );
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([1n, b32("r"), b32("m"), 1n, ZERO_HASH, ""], { account: f.nodes[1].account }),
      f.datasetIndex,
      "DatasetIndexNotOwner",
      [1n, getAddress(f.nodes[1].account.address)],
    );
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([1n, ZERO_HASH, b32("m"), 1n, ZERO_HASH, ""], { account: owner.account }),
      f.datasetIndex,
      "DatasetIndexInvalidCommitment",
      [ZERO_HASH, b32("m"), 1n],
    );
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([1n, b32("r"), b32("m"), 0n, ZERO_HASH, ""], { account: owner.account }),
      f.datasetIndex,
      "DatasetIndexInvalidCommitment",
      [b32("r"), b32("m"), 0n],
    );
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([1n, b32("r"), b32("m"), 1n, KEY_ID, ""], { account: owner.account }),
      f.datasetIndex,
      "DatasetIndexInvalidKeyId",
      [ENC.None, KEY_ID],
    );
    await f.datasetIndex.write.retireDataset([1n], { account: owner.account });
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.updateDataset([1n, b32("r"), b32("m"), 1n, ZERO_HASH, ""], { account: owner.account }),
      f.datasetIndex,
      "DatasetIndexRetired",
      [1n],
    );
  });
});

describe("DatasetIndex.retireDataset", () => {
  it("retires a dataset and emits DatasetRetired; the record is kept", async () => {
    const f = await load();
    const d = f.datasets[2];
    const tx = await f.datasetIndex.write.retireDataset([d.id], { account: f.nodes[2].account });
    await f.viem.assertions.emitWithArgs(tx, f.datasetIndex, "DatasetRetired", [d.id]);
    const stored = await f.datasetIndex.read.getDataset([d.id]);
    assert.equal(stored.retired, true);
    assert.equal(stored.version, 1);
    assert.equal(await f.datasetIndex.read.isCommitted([d.id, d.root, d.manifestRoot, d.rows, ZERO_HASH]), true);
  });

  it("reverts for unknown datasets, other owners and datasets already retired", async () => {
    const f = await load();
    const { assertions } = f.viem;
    await assertions.revertWithCustomErrorWithArgs(f.datasetIndex.write.retireDataset([0n]), f.datasetIndex, "DatasetIndexUnknownDataset", [0n]);
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.retireDataset([2n], { account: f.outsider.account }),
      f.datasetIndex,
      "DatasetIndexNotOwner",
      [2n, getAddress(f.outsider.account.address)],
    );
    await f.datasetIndex.write.retireDataset([2n], { account: f.nodes[1].account });
    await assertions.revertWithCustomErrorWithArgs(
      f.datasetIndex.write.retireDataset([2n], { account: f.nodes[1].account }),
      f.datasetIndex,
      "DatasetIndexRetired",
      [2n],
    );
  });
});
