// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDatasetIndex} from "./interfaces/IDatasetIndex.sol";
import {DatasetCommitment} from "./libraries/DatasetCommitment.sol";

/// @title DatasetIndex
/// @notice Records schemas and dataset commitments. The bytes live off chain (0G storage) and are addressed by
/// their Merkle roots, so anyone can fetch an artifact and check it against what is recorded here.
contract DatasetIndex is IDatasetIndex {
    mapping(uint256 schemaId => bytes32 schemaHash) private _schemaHashes;
    mapping(bytes32 schemaHash => uint256 schemaId) private _schemaIds;
    mapping(uint256 datasetId => Dataset) private _datasets;
    uint32 private _schemaCount;
    uint256 private _datasetCount;

    /// @inheritdoc IDatasetIndex
    function registerSchema(bytes32 schemaHash, string calldata uri) external returns (uint256 schemaId) {
        if (schemaHash == bytes32(0)) revert DatasetIndexInvalidSchemaHash();
        uint256 existing = _schemaIds[schemaHash];
        if (existing != 0) revert DatasetIndexSchemaExists(schemaHash, existing);
        schemaId = ++_schemaCount;
        _schemaHashes[schemaId] = schemaHash;
        _schemaIds[schemaHash] = schemaId;
        emit SchemaRegistered(schemaId, schemaHash, msg.sender, uri);
    }

    /// @inheritdoc IDatasetIndex
    function registerDataset(
        uint256 schemaId,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        Encryption encryption,
        bytes32 keyId,
        string calldata uri
    ) external returns (uint256 datasetId) {
        if (schemaId == 0 || schemaId > _schemaCount) revert DatasetIndexUnknownSchema(schemaId);
        _checkCommitment(root, manifestRoot, rows, encryption, keyId);
        datasetId = ++_datasetCount;
        _datasets[datasetId] = Dataset({
            owner: msg.sender,
            schemaId: uint32(schemaId),
            version: 1,
            encryption: encryption,
            retired: false,
            commitment: DatasetCommitment.hash(root, manifestRoot, rows, keyId)
        });
        emit DatasetRegistered(datasetId, msg.sender, schemaId, root, manifestRoot, rows, encryption, keyId, uri);
    }

    /// @inheritdoc IDatasetIndex
    function updateDataset(
        uint256 datasetId,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        bytes32 keyId,
        string calldata uri
    ) external returns (uint32 version) {
        Dataset storage dataset = _ownedActive(datasetId);
        _checkCommitment(root, manifestRoot, rows, dataset.encryption, keyId);
        version = ++dataset.version;
        dataset.commitment = DatasetCommitment.hash(root, manifestRoot, rows, keyId);
        emit DatasetUpdated(datasetId, version, root, manifestRoot, rows, keyId, uri);
    }

    /// @inheritdoc IDatasetIndex
    function retireDataset(uint256 datasetId) external {
        _ownedActive(datasetId).retired = true;
        emit DatasetRetired(datasetId);
    }

    /// @inheritdoc IDatasetIndex
    function getDataset(uint256 datasetId) external view returns (Dataset memory) {
        Dataset memory dataset = _datasets[datasetId];
        if (dataset.owner == address(0)) revert DatasetIndexUnknownDataset(datasetId);
        return dataset;
    }

    /// @inheritdoc IDatasetIndex
    function isCommitted(uint256 datasetId, bytes32 root, bytes32 manifestRoot, uint64 rows, bytes32 keyId)
        external
        view
        returns (bool)
    {
        bytes32 commitment = _datasets[datasetId].commitment;
        return commitment != bytes32(0) && commitment == DatasetCommitment.hash(root, manifestRoot, rows, keyId);
    }

    /// @inheritdoc IDatasetIndex
    function schemaHashOf(uint256 schemaId) external view returns (bytes32) {
        bytes32 schemaHash = _schemaHashes[schemaId];
        if (schemaHash == bytes32(0)) revert DatasetIndexUnknownSchema(schemaId);
        return schemaHash;
    }

    /// @inheritdoc IDatasetIndex
    function schemaIdOf(bytes32 schemaHash) external view returns (uint256) {
        return _schemaIds[schemaHash];
    }

    /// @inheritdoc IDatasetIndex
    function schemaCount() external view returns (uint256) {
        return _schemaCount;
    }

    /// @inheritdoc IDatasetIndex
    function datasetCount() external view returns (uint256) {
        return _datasetCount;
    }

    function _ownedActive(uint256 datasetId) private view returns (Dataset storage dataset) {
        dataset = _datasets[datasetId];
        if (dataset.owner == address(0)) revert DatasetIndexUnknownDataset(datasetId);
        if (dataset.owner != msg.sender) revert DatasetIndexNotOwner(datasetId, msg.sender);
        if (dataset.retired) revert DatasetIndexRetired(datasetId);
    }

    function _checkCommitment(bytes32 root, bytes32 manifestRoot, uint64 rows, Encryption encryption, bytes32 keyId)
        private
        pure
    {
        if (root == bytes32(0) || manifestRoot == bytes32(0) || rows == 0) {
            revert DatasetIndexInvalidCommitment(root, manifestRoot, rows);
        }
        if ((encryption == Encryption.CKKS) != (keyId != bytes32(0))) revert DatasetIndexInvalidKeyId(encryption, keyId);
    }
}
