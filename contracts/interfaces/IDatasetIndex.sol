// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IDatasetIndex
/// @notice The Index contract: schemas and dataset commitments (0G storage roots of the data file and its manifest).
interface IDatasetIndex {
    /// @notice How a dataset's data file is encrypted.
    enum Encryption {
        None,
        CKKS
    }

    /// @notice A dataset as stored on chain.
    /// @dev One storage slot for the metadata (owner 20 B | schemaId 4 B | version 4 B | encryption 1 B | retired 1 B)
    /// and one for `commitment` = keccak256(abi.encode(root, manifestRoot, rows, keyId)); the committed values
    /// themselves travel in the events. Two slots keep registerDataset under 90k gas.
    struct Dataset {
        address owner;
        uint32 schemaId;
        uint32 version;
        Encryption encryption;
        bool retired;
        bytes32 commitment;
    }

    /// @notice A schema was registered.
    event SchemaRegistered(uint256 indexed schemaId, bytes32 indexed schemaHash, address indexed registrant, string uri);

    /// @notice A dataset was registered (version 1).
    event DatasetRegistered(
        uint256 indexed datasetId,
        address indexed owner,
        uint256 indexed schemaId,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        Encryption encryption,
        bytes32 keyId,
        string uri
    );

    /// @notice A dataset's owner published a new version.
    event DatasetUpdated(
        uint256 indexed datasetId,
        uint32 indexed version,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        bytes32 keyId,
        string uri
    );

    /// @notice A dataset was retired; it can no longer join tasks.
    event DatasetRetired(uint256 indexed datasetId);

    /// @notice The schema hash is zero.
    error DatasetIndexInvalidSchemaHash();
    /// @notice A schema with this hash is already registered as `schemaId`.
    error DatasetIndexSchemaExists(bytes32 schemaHash, uint256 schemaId);
    /// @notice No schema has id `schemaId`.
    error DatasetIndexUnknownSchema(uint256 schemaId);
    /// @notice No dataset has id `datasetId`.
    error DatasetIndexUnknownDataset(uint256 datasetId);
    /// @notice `account` is not the owner of dataset `datasetId`.
    error DatasetIndexNotOwner(uint256 datasetId, address account);
    /// @notice Dataset `datasetId` is retired.
    error DatasetIndexRetired(uint256 datasetId);
    /// @notice A root, manifest root or row count is zero.
    error DatasetIndexInvalidCommitment(bytes32 root, bytes32 manifestRoot, uint64 rows);
    /// @notice The key id does not fit the encryption (CKKS needs a key id, None must have none).
    error DatasetIndexInvalidKeyId(Encryption encryption, bytes32 keyId);

    /// @notice Registers a schema by the keccak256 of its canonical JSON.
    /// @dev Requirements: `schemaHash` is non-zero and not registered yet. Emits {SchemaRegistered}.
    /// @param schemaHash keccak256 of the canonical schema JSON.
    /// @param uri Where the schema JSON can be fetched (e.g. `0g://<root>`).
    /// @return schemaId The new schema id (1-based).
    function registerSchema(bytes32 schemaHash, string calldata uri) external returns (uint256 schemaId);

    /// @notice Registers a dataset commitment owned by the caller.
    /// @dev Requirements: the schema exists; `root`, `manifestRoot` and `rows` are non-zero; `keyId` is non-zero
    /// exactly when `encryption` is CKKS. Emits {DatasetRegistered}.
    /// @param schemaId The schema the data conforms to.
    /// @param root 0G storage root of the data file (ciphertext file, or a local file's root as a commitment).
    /// @param manifestRoot 0G storage root of the public manifest JSON.
    /// @param rows Number of data rows.
    /// @param encryption How the data file is encrypted.
    /// @param keyId keccak256 of the CKKS public key (zero when not encrypted).
    /// @param uri Where the manifest can be fetched.
    /// @return datasetId The new dataset id (1-based).
    function registerDataset(
        uint256 schemaId,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        Encryption encryption,
        bytes32 keyId,
        string calldata uri
    ) external returns (uint256 datasetId);

    /// @notice Publishes a new version of a dataset (same schema and encryption scheme).
    /// @dev Requirements: caller owns the dataset; it is not retired; the commitment rules of {registerDataset}.
    /// Emits {DatasetUpdated}.
    function updateDataset(
        uint256 datasetId,
        bytes32 root,
        bytes32 manifestRoot,
        uint64 rows,
        bytes32 keyId,
        string calldata uri
    ) external returns (uint32 version);

    /// @notice Retires a dataset so that it can no longer join tasks.
    /// @dev Requirements: caller owns the dataset; it is not retired. Emits {DatasetRetired}.
    function retireDataset(uint256 datasetId) external;

    /// @notice Returns a dataset. Reverts for an unknown id.
    function getDataset(uint256 datasetId) external view returns (Dataset memory);

    /// @notice Whether the given values are the ones committed for the dataset's current version.
    function isCommitted(uint256 datasetId, bytes32 root, bytes32 manifestRoot, uint64 rows, bytes32 keyId)
        external
        view
        returns (bool);

    /// @notice Returns the hash of schema `schemaId`. Reverts for an unknown id.
    function schemaHashOf(uint256 schemaId) external view returns (bytes32);

    /// @notice Returns the id of the schema with hash `schemaHash`, or 0.
    function schemaIdOf(bytes32 schemaHash) external view returns (uint256);

    /// @notice Number of registered schemas (ids are 1..schemaCount).
    function schemaCount() external view returns (uint256);

    /// @notice Number of registered datasets (ids are 1..datasetCount).
    function datasetCount() external view returns (uint256);
}
