// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DatasetIndex} from "../../contracts/DatasetIndex.sol";
import {IDatasetIndex} from "../../contracts/interfaces/IDatasetIndex.sol";
import {TestBase} from "./utils/Vm.sol";

/// @notice Fuzz tests of DatasetIndex: commitments, versions, ownership and retirement under random inputs.
contract DatasetIndexFuzzTest is TestBase {
    DatasetIndex internal index;
    uint256 internal schemaId;

    function setUp() public {
        index = new DatasetIndex();
        schemaId = index.registerSchema(keccak256("schema"), "0g://schema");
    }

    // ─── Schemas ────────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_registerSchema_assignsSequentialIdsAndRejectsDuplicates(bytes32 hashA, bytes32 hashB) public {
        vm.assume(hashA != bytes32(0) && hashB != bytes32(0) && hashA != hashB);
        vm.assume(hashA != keccak256("schema") && hashB != keccak256("schema"));
        uint256 a = index.registerSchema(hashA, "a");
        uint256 b = index.registerSchema(hashB, "b");
        assertEq(a, 2, "first new schema id");
        assertEq(b, 3, "second new schema id");
        assertEq(index.schemaHashOf(a), hashA, "schemaHashOf(a)");
        assertEq(index.schemaIdOf(hashB), b, "schemaIdOf(hashB)");
        assertEq(index.schemaCount(), 3, "schemaCount");

        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexSchemaExists.selector, hashA, a));
        index.registerSchema(hashA, "again");
    }

    // ─── Registration ───────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_registerDataset_storesCommitmentOfEveryValue(
        address owner,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        bool encrypted,
        bytes32 keyId
    ) public {
        vm.assume(owner != address(0) && root != bytes32(0) && manifestRoot != bytes32(0) && rows != 0);
        if (!encrypted) keyId = bytes32(0);
        else vm.assume(keyId != bytes32(0));
        IDatasetIndex.Encryption enc = encrypted ? IDatasetIndex.Encryption.CKKS : IDatasetIndex.Encryption.None;

        vm.prank(owner);
        uint256 id = index.registerDataset(schemaId, root, manifestRoot, rows, enc, keyId, "0g://manifest");

        assertEq(id, index.datasetCount(), "id == datasetCount");
        IDatasetIndex.Dataset memory d = index.getDataset(id);
        assertEq(d.owner, owner, "owner");
        assertEq(d.schemaId, schemaId, "schemaId");
        assertEq(d.version, 1, "version");
        assertEq(uint256(d.encryption), uint256(enc), "encryption");
        assertTrue(!d.retired, "fresh dataset is retired");
        assertEq(d.commitment, keccak256(abi.encode(root, manifestRoot, rows, keyId)), "commitment");
        assertTrue(index.isCommitted(id, root, manifestRoot, rows, keyId), "isCommitted(values)");
        // Any single changed value is not committed.
        assertTrue(!index.isCommitted(id, ~root, manifestRoot, rows, keyId), "isCommitted(other root)");
        assertTrue(!index.isCommitted(id, root, ~manifestRoot, rows, keyId), "isCommitted(other manifest)");
        assertTrue(!index.isCommitted(id, root, manifestRoot, rows ^ 1, keyId), "isCommitted(other rows)");
        assertTrue(!index.isCommitted(id, root, manifestRoot, rows, ~keyId), "isCommitted(other keyId)");
        assertTrue(!index.isCommitted(id + 1, root, manifestRoot, rows, keyId), "isCommitted(unknown id)");
    }

    function testFuzz_registerDataset_rejectsZeroCommitmentValues(bytes32 root, bytes32 manifestRoot, uint64 rows, uint8 zeroed)
        public
    {
        zeroed = uint8(bound(zeroed, 0, 2));
        if (zeroed == 0) root = bytes32(0);
        if (zeroed == 1) manifestRoot = bytes32(0);
        if (zeroed == 2) rows = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IDatasetIndex.DatasetIndexInvalidCommitment.selector, root, manifestRoot, rows)
        );
        index.registerDataset(schemaId, root, manifestRoot, rows, IDatasetIndex.Encryption.None, bytes32(0), "");
    }

    function testFuzz_registerDataset_keyIdMustMatchEncryption(bool encrypted, bytes32 keyId) public {
        // The invalid combinations: CKKS without a key id, or a key id on plaintext data.
        if (encrypted) keyId = bytes32(0);
        else vm.assume(keyId != bytes32(0));
        IDatasetIndex.Encryption enc = encrypted ? IDatasetIndex.Encryption.CKKS : IDatasetIndex.Encryption.None;
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexInvalidKeyId.selector, enc, keyId));
        index.registerDataset(schemaId, bytes32(uint256(1)), bytes32(uint256(2)), 10, enc, keyId, "");
    }

    function testFuzz_registerDataset_rejectsUnknownSchema(uint256 badSchemaId) public {
        vm.assume(badSchemaId == 0 || badSchemaId > index.schemaCount());
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexUnknownSchema.selector, badSchemaId));
        index.registerDataset(badSchemaId, bytes32(uint256(1)), bytes32(uint256(2)), 10, IDatasetIndex.Encryption.None, 0, "");
    }

    // ─── Updates ────────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_updateDataset_bumpsVersionAndReplacesCommitment(
        address owner,
        uint8 updates,
        bytes32 seed,
        bool encrypted
    ) public {
        vm.assume(owner != address(0));
        updates = uint8(bound(updates, 1, 8));
        IDatasetIndex.Encryption enc = encrypted ? IDatasetIndex.Encryption.CKKS : IDatasetIndex.Encryption.None;
        bytes32 keyId = encrypted ? keccak256(abi.encode(seed, "key")) : bytes32(0);
        vm.startPrank(owner);
        uint256 id = index.registerDataset(schemaId, keccak256(abi.encode(seed, 0)), seed | bytes32(uint256(1)), 1, enc, keyId, "");
        bytes32 previous = index.getDataset(id).commitment;
        for (uint256 i = 1; i <= updates; ++i) {
            bytes32 root = keccak256(abi.encode(seed, i));
            bytes32 manifestRoot = keccak256(abi.encode(root));
            uint64 rows = uint64(uint256(root) % 1e9) + 1;
            // A CKKS dataset may move to a new key; the encryption scheme itself stays.
            if (encrypted) keyId = keccak256(abi.encode(keyId));
            uint32 version = index.updateDataset(id, root, manifestRoot, rows, keyId, "");
            assertEq(version, i + 1, "returned version");
            IDatasetIndex.Dataset memory d = index.getDataset(id);
            assertEq(d.version, i + 1, "stored version");
            assertEq(d.commitment, keccak256(abi.encode(root, manifestRoot, rows, keyId)), "commitment");
            assertTrue(d.commitment != previous, "commitment unchanged");
            assertEq(uint256(d.encryption), uint256(enc), "encryption changed");
            assertEq(d.owner, owner, "owner changed");
            previous = d.commitment;
        }
        vm.stopPrank();
    }

    function testFuzz_updateDataset_cannotChangeEncryptionScheme(bool encrypted, bytes32 keyId) public {
        // A plaintext dataset cannot gain a key id, and a CKKS dataset cannot drop it.
        IDatasetIndex.Encryption enc = encrypted ? IDatasetIndex.Encryption.CKKS : IDatasetIndex.Encryption.None;
        uint256 id = index.registerDataset(schemaId, bytes32(uint256(1)), bytes32(uint256(2)), 5, enc, encrypted ? bytes32(uint256(7)) : bytes32(0), "");
        if (encrypted) keyId = bytes32(0);
        else vm.assume(keyId != bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexInvalidKeyId.selector, enc, keyId));
        index.updateDataset(id, bytes32(uint256(3)), bytes32(uint256(4)), 6, keyId, "");
    }

    function testFuzz_updateDataset_onlyOwner(address owner, address stranger, bytes32 root) public {
        vm.assume(owner != address(0) && stranger != owner && root != bytes32(0));
        vm.prank(owner);
        uint256 id = index.registerDataset(schemaId, bytes32(uint256(1)), bytes32(uint256(2)), 5, IDatasetIndex.Encryption.None, 0, "");

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexNotOwner.selector, id, stranger));
        index.updateDataset(id, root, root, 5, 0, "");

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexNotOwner.selector, id, stranger));
        index.retireDataset(id);

        assertEq(index.getDataset(id).version, 1, "version after rejected update");
        assertTrue(index.isCommitted(id, bytes32(uint256(1)), bytes32(uint256(2)), 5, 0), "commitment after rejected update");
    }

    function testFuzz_unknownDataset_reverts(uint256 id) public {
        vm.assume(id == 0 || id > index.datasetCount());
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexUnknownDataset.selector, id));
        index.getDataset(id);
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexUnknownDataset.selector, id));
        index.updateDataset(id, bytes32(uint256(1)), bytes32(uint256(2)), 5, 0, "");
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexUnknownDataset.selector, id));
        index.retireDataset(id);
    }

    // ─── Retirement ─────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_retireDataset_isFinal(address owner, bytes32 root) public {
        vm.assume(owner != address(0) && root != bytes32(0));
        vm.startPrank(owner);
        uint256 id = index.registerDataset(schemaId, bytes32(uint256(1)), bytes32(uint256(2)), 5, IDatasetIndex.Encryption.None, 0, "");
        index.retireDataset(id);
        assertTrue(index.getDataset(id).retired, "not retired");

        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexRetired.selector, id));
        index.updateDataset(id, root, root, 5, 0, "");
        vm.expectRevert(abi.encodeWithSelector(IDatasetIndex.DatasetIndexRetired.selector, id));
        index.retireDataset(id);
        vm.stopPrank();
        // The last commitment stays readable: tasks that used this version can still be verified.
        assertTrue(index.isCommitted(id, bytes32(uint256(1)), bytes32(uint256(2)), 5, 0), "commitment lost on retire");
    }
}
