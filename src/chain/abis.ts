// Generated from the Hardhat artifacts by scripts/gen-abis.ts (npm run build). Do not edit.

export const datasetIndexAbi = [
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "manifestRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint64",
        "name": "rows",
        "type": "uint64"
      }
    ],
    "name": "DatasetIndexInvalidCommitment",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "enum IDatasetIndex.Encryption",
        "name": "encryption",
        "type": "uint8"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      }
    ],
    "name": "DatasetIndexInvalidKeyId",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "DatasetIndexInvalidSchemaHash",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "DatasetIndexNotOwner",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "name": "DatasetIndexRetired",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "schemaHash",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      }
    ],
    "name": "DatasetIndexSchemaExists",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "name": "DatasetIndexUnknownDataset",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      }
    ],
    "name": "DatasetIndexUnknownSchema",
    "type": "error"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "owner",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "manifestRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "rows",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "enum IDatasetIndex.Encryption",
        "name": "encryption",
        "type": "uint8"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "string",
        "name": "uri",
        "type": "string"
      }
    ],
    "name": "DatasetRegistered",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "name": "DatasetRetired",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint32",
        "name": "version",
        "type": "uint32"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "manifestRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "rows",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "string",
        "name": "uri",
        "type": "string"
      }
    ],
    "name": "DatasetUpdated",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "schemaHash",
        "type": "bytes32"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "registrant",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "string",
        "name": "uri",
        "type": "string"
      }
    ],
    "name": "SchemaRegistered",
    "type": "event"
  },
  {
    "inputs": [],
    "name": "datasetCount",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "name": "getDataset",
    "outputs": [
      {
        "components": [
          {
            "internalType": "address",
            "name": "owner",
            "type": "address"
          },
          {
            "internalType": "uint32",
            "name": "schemaId",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "version",
            "type": "uint32"
          },
          {
            "internalType": "enum IDatasetIndex.Encryption",
            "name": "encryption",
            "type": "uint8"
          },
          {
            "internalType": "bool",
            "name": "retired",
            "type": "bool"
          },
          {
            "internalType": "bytes32",
            "name": "commitment",
            "type": "bytes32"
          }
        ],
        "internalType": "struct IDatasetIndex.Dataset",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "manifestRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint64",
        "name": "rows",
        "type": "uint64"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      }
    ],
    "name": "isCommitted",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "manifestRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint64",
        "name": "rows",
        "type": "uint64"
      },
      {
        "internalType": "enum IDatasetIndex.Encryption",
        "name": "encryption",
        "type": "uint8"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "internalType": "string",
        "name": "uri",
        "type": "string"
      }
    ],
    "name": "registerDataset",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "schemaHash",
        "type": "bytes32"
      },
      {
        "internalType": "string",
        "name": "uri",
        "type": "string"
      }
    ],
    "name": "registerSchema",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "name": "retireDataset",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "schemaCount",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "schemaId",
        "type": "uint256"
      }
    ],
    "name": "schemaHashOf",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "schemaHash",
        "type": "bytes32"
      }
    ],
    "name": "schemaIdOf",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "manifestRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint64",
        "name": "rows",
        "type": "uint64"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "internalType": "string",
        "name": "uri",
        "type": "string"
      }
    ],
    "name": "updateDataset",
    "outputs": [
      {
        "internalType": "uint32",
        "name": "version",
        "type": "uint32"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  }
] as const;

export const trainingTasksAbi = [
  {
    "inputs": [
      {
        "internalType": "contract IDatasetIndex",
        "name": "index",
        "type": "address"
      },
      {
        "components": [
          {
            "internalType": "uint32",
            "name": "minWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "minChallengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxChallengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxJoinPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "minClaimPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxClaimPeriod",
            "type": "uint32"
          }
        ],
        "internalType": "struct ITrainingTasks.TermLimits",
        "name": "limits",
        "type": "tuple"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "constructor"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "token",
        "type": "address"
      }
    ],
    "name": "SafeERC20FailedOperation",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "index",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksAlreadyClaimed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksAlreadyDisputed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksAlreadyMember",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      }
    ],
    "name": "TrainingTasksAlreadySubmitted",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksCannotDispute",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "claimsOpenAt",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksChallengeWindowClosed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "claimed",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksClaimExceedsTotal",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "claimsCloseAt",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksClaimsClosed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "claimsOpenAt",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksClaimsNotOpen",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksDatasetMismatch",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "deadline",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksDeadlineNotMissed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "enum ITrainingTasks.Param",
        "name": "param",
        "type": "uint8"
      }
    ],
    "name": "TrainingTasksInvalidParam",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksInvalidProof",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "resolver",
        "type": "address"
      }
    ],
    "name": "TrainingTasksInvalidResolver",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "joinDeadline",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksJoinClosed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "activeMembers",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "expected",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksMissingDropouts",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "reveals",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "submissions",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksMissingReveals",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksNoDropouts",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksNotAggregator",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksNotCreator",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "members",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "minNodes",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksNotEnoughMembers",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "submissions",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "required",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksNotEnoughSubmissions",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksNotMember",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksNotResolver",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksNotSlashable",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      }
    ],
    "name": "TrainingTasksNotSubmitted",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "TrainingTasksNothingToWithdraw",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "pool",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksPayoutExceedsPool",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint64",
        "name": "deadline",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksRoundClosed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "maxNodes",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksTaskFull",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "enum ITrainingTasks.Term",
        "name": "term",
        "type": "uint8"
      },
      {
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "min",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "max",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksTermOutOfRange",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "notBefore",
        "type": "uint64"
      }
    ],
    "name": "TrainingTasksTooEarly",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "maxAttempts",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksTooManyAttempts",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksUnknownProposal",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksUnknownTask",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "contract IERC20",
        "name": "token",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "moved",
        "type": "uint256"
      }
    ],
    "name": "TrainingTasksUnsupportedToken",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "currentRound",
        "type": "uint16"
      }
    ],
    "name": "TrainingTasksWrongRound",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "enum ITrainingTasks.TaskStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "TrainingTasksWrongStatus",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "TrainingTasksZeroRoot",
    "type": "error"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "uint32",
        "name": "noiseMultiplierE6",
        "type": "uint32"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "deltaE18",
        "type": "uint64"
      }
    ],
    "name": "DpTermsSet",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint256[]",
        "name": "datasetIds",
        "type": "uint256[]"
      }
    ],
    "name": "FheInputsSet",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "saPublicKey",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint128",
        "name": "stake",
        "type": "uint128"
      }
    ],
    "name": "MemberJoined",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "uint128",
        "name": "amount",
        "type": "uint128"
      },
      {
        "indexed": false,
        "internalType": "address",
        "name": "slasher",
        "type": "address"
      }
    ],
    "name": "MemberSlashed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "creator",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      }
    ],
    "name": "RefundWithdrawn",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "account",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "index",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      }
    ],
    "name": "RewardClaimed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "modelRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "submissions",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "samples",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "uint32",
        "name": "lossE6",
        "type": "uint32"
      },
      {
        "indexed": false,
        "internalType": "uint32",
        "name": "accuracyE6",
        "type": "uint32"
      }
    ],
    "name": "RoundFinalized",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      }
    ],
    "name": "RoundRestarted",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "start",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "submitDeadline",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "revealDeadline",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "finalizeDeadline",
        "type": "uint64"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "members",
        "type": "uint16"
      }
    ],
    "name": "RoundStarted",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "revealRoot",
        "type": "bytes32"
      }
    ],
    "name": "SeedsRevealed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "proposedRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "proposedTotal",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "resolveDeadline",
        "type": "uint64"
      }
    ],
    "name": "SettlementDisputed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "resolver",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "claimsOpenAt",
        "type": "uint64"
      }
    ],
    "name": "SettlementResolved",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint128",
        "name": "amount",
        "type": "uint128"
      }
    ],
    "name": "StakeWithdrawn",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "caller",
        "type": "address"
      }
    ],
    "name": "TaskAbandoned",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "TaskCancelled",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "creator",
        "type": "address"
      },
      {
        "components": [
          {
            "internalType": "enum ITrainingTasks.TaskKind",
            "name": "kind",
            "type": "uint8"
          },
          {
            "internalType": "uint32",
            "name": "schemaId",
            "type": "uint32"
          },
          {
            "internalType": "bytes32",
            "name": "modelRoot",
            "type": "bytes32"
          },
          {
            "internalType": "uint16",
            "name": "rounds",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "minNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "maxNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "contract IERC20",
            "name": "rewardToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "budget",
            "type": "uint128"
          },
          {
            "internalType": "uint64",
            "name": "joinDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "roundDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "revealDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "aggregatorWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "challengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "claimPeriod",
            "type": "uint32"
          },
          {
            "internalType": "address",
            "name": "aggregator",
            "type": "address"
          },
          {
            "internalType": "address",
            "name": "resolver",
            "type": "address"
          },
          {
            "internalType": "uint16",
            "name": "dataShareBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "computeDecayBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "dataDecayBps",
            "type": "uint16"
          }
        ],
        "indexed": false,
        "internalType": "struct ITrainingTasks.TaskParams",
        "name": "params",
        "type": "tuple"
      }
    ],
    "name": "TaskCreated",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "settleDeadline",
        "type": "uint64"
      }
    ],
    "name": "TaskFinished",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "settler",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "claimsOpenAt",
        "type": "uint64"
      }
    ],
    "name": "TaskSettled",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "updateRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "samples",
        "type": "uint64"
      }
    ],
    "name": "UpdateSubmitted",
    "type": "event"
  },
  {
    "inputs": [],
    "name": "MAX_DP_DELTA_E18",
    "outputs": [
      {
        "internalType": "uint64",
        "name": "",
        "type": "uint64"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "abandonTask",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "cancelTask",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "index",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      },
      {
        "internalType": "bytes32[]",
        "name": "proof",
        "type": "bytes32[]"
      }
    ],
    "name": "claim",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "components": [
          {
            "internalType": "enum ITrainingTasks.TaskKind",
            "name": "kind",
            "type": "uint8"
          },
          {
            "internalType": "uint32",
            "name": "schemaId",
            "type": "uint32"
          },
          {
            "internalType": "bytes32",
            "name": "modelRoot",
            "type": "bytes32"
          },
          {
            "internalType": "uint16",
            "name": "rounds",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "minNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "maxNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "contract IERC20",
            "name": "rewardToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "budget",
            "type": "uint128"
          },
          {
            "internalType": "uint64",
            "name": "joinDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "roundDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "revealDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "aggregatorWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "challengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "claimPeriod",
            "type": "uint32"
          },
          {
            "internalType": "address",
            "name": "aggregator",
            "type": "address"
          },
          {
            "internalType": "address",
            "name": "resolver",
            "type": "address"
          },
          {
            "internalType": "uint16",
            "name": "dataShareBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "computeDecayBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "dataDecayBps",
            "type": "uint16"
          }
        ],
        "internalType": "struct ITrainingTasks.TaskParams",
        "name": "params",
        "type": "tuple"
      },
      {
        "components": [
          {
            "internalType": "uint32",
            "name": "noiseMultiplierE6",
            "type": "uint32"
          },
          {
            "internalType": "uint64",
            "name": "deltaE18",
            "type": "uint64"
          }
        ],
        "internalType": "struct ITrainingTasks.DpTerms",
        "name": "dp",
        "type": "tuple"
      }
    ],
    "name": "createDpTask",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "components": [
          {
            "internalType": "enum ITrainingTasks.TaskKind",
            "name": "kind",
            "type": "uint8"
          },
          {
            "internalType": "uint32",
            "name": "schemaId",
            "type": "uint32"
          },
          {
            "internalType": "bytes32",
            "name": "modelRoot",
            "type": "bytes32"
          },
          {
            "internalType": "uint16",
            "name": "rounds",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "minNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "maxNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "contract IERC20",
            "name": "rewardToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "budget",
            "type": "uint128"
          },
          {
            "internalType": "uint64",
            "name": "joinDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "roundDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "revealDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "aggregatorWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "challengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "claimPeriod",
            "type": "uint32"
          },
          {
            "internalType": "address",
            "name": "aggregator",
            "type": "address"
          },
          {
            "internalType": "address",
            "name": "resolver",
            "type": "address"
          },
          {
            "internalType": "uint16",
            "name": "dataShareBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "computeDecayBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "dataDecayBps",
            "type": "uint16"
          }
        ],
        "internalType": "struct ITrainingTasks.TaskParams",
        "name": "params",
        "type": "tuple"
      },
      {
        "components": [
          {
            "internalType": "uint256",
            "name": "datasetId",
            "type": "uint256"
          },
          {
            "internalType": "bytes32",
            "name": "root",
            "type": "bytes32"
          },
          {
            "internalType": "bytes32",
            "name": "manifestRoot",
            "type": "bytes32"
          },
          {
            "internalType": "uint64",
            "name": "rows",
            "type": "uint64"
          }
        ],
        "internalType": "struct ITrainingTasks.FheInput[]",
        "name": "fheInputs",
        "type": "tuple[]"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      }
    ],
    "name": "createTask",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "datasetIndex",
    "outputs": [
      {
        "internalType": "contract IDatasetIndex",
        "name": "",
        "type": "address"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "proposedRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "proposedTotal",
        "type": "uint256"
      }
    ],
    "name": "dispute",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "bytes32",
        "name": "modelRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint32",
        "name": "lossE6",
        "type": "uint32"
      },
      {
        "internalType": "uint32",
        "name": "accuracyE6",
        "type": "uint32"
      },
      {
        "internalType": "address[]",
        "name": "dropped",
        "type": "address[]"
      }
    ],
    "name": "finalizeRound",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "getDpTerms",
    "outputs": [
      {
        "components": [
          {
            "internalType": "uint32",
            "name": "noiseMultiplierE6",
            "type": "uint32"
          },
          {
            "internalType": "uint64",
            "name": "deltaE18",
            "type": "uint64"
          }
        ],
        "internalType": "struct ITrainingTasks.DpTerms",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "getFheKeyId",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      }
    ],
    "name": "getMember",
    "outputs": [
      {
        "components": [
          {
            "internalType": "uint64",
            "name": "datasetId",
            "type": "uint64"
          },
          {
            "internalType": "uint16",
            "name": "joinIndex",
            "type": "uint16"
          },
          {
            "internalType": "bool",
            "name": "slashed",
            "type": "bool"
          },
          {
            "internalType": "bool",
            "name": "stakeWithdrawn",
            "type": "bool"
          },
          {
            "internalType": "bool",
            "name": "disputed",
            "type": "bool"
          }
        ],
        "internalType": "struct ITrainingTasks.Member",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      }
    ],
    "name": "getRound",
    "outputs": [
      {
        "components": [
          {
            "internalType": "uint64",
            "name": "start",
            "type": "uint64"
          },
          {
            "internalType": "uint16",
            "name": "attempt",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "members",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "submissions",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "reveals",
            "type": "uint16"
          },
          {
            "internalType": "bool",
            "name": "finalized",
            "type": "bool"
          },
          {
            "internalType": "uint64",
            "name": "samples",
            "type": "uint64"
          }
        ],
        "internalType": "struct ITrainingTasks.RoundState",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "getSettlement",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "claimsOpenAt",
        "type": "uint64"
      },
      {
        "internalType": "uint64",
        "name": "claimsCloseAt",
        "type": "uint64"
      },
      {
        "internalType": "uint64",
        "name": "challengeEnd",
        "type": "uint64"
      },
      {
        "internalType": "uint64",
        "name": "settleDeadline",
        "type": "uint64"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "getTaskFunds",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "budget",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "staked",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "slashed",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "stakesWithdrawn",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "payoutTotal",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "claimed",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "refunded",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "getTaskParams",
    "outputs": [
      {
        "components": [
          {
            "internalType": "enum ITrainingTasks.TaskKind",
            "name": "kind",
            "type": "uint8"
          },
          {
            "internalType": "uint32",
            "name": "schemaId",
            "type": "uint32"
          },
          {
            "internalType": "bytes32",
            "name": "modelRoot",
            "type": "bytes32"
          },
          {
            "internalType": "uint16",
            "name": "rounds",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "minNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "maxNodes",
            "type": "uint16"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "contract IERC20",
            "name": "rewardToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "budget",
            "type": "uint128"
          },
          {
            "internalType": "uint64",
            "name": "joinDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "roundDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "revealDuration",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "aggregatorWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "challengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "claimPeriod",
            "type": "uint32"
          },
          {
            "internalType": "address",
            "name": "aggregator",
            "type": "address"
          },
          {
            "internalType": "address",
            "name": "resolver",
            "type": "address"
          },
          {
            "internalType": "uint16",
            "name": "dataShareBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "computeDecayBps",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "dataDecayBps",
            "type": "uint16"
          }
        ],
        "internalType": "struct ITrainingTasks.TaskParams",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "getTaskState",
    "outputs": [
      {
        "internalType": "address",
        "name": "creator",
        "type": "address"
      },
      {
        "internalType": "enum ITrainingTasks.TaskStatus",
        "name": "status",
        "type": "uint8"
      },
      {
        "internalType": "uint16",
        "name": "currentRound",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "activeMembers",
        "type": "uint16"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "index",
        "type": "uint256"
      }
    ],
    "name": "isClaimed",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      }
    ],
    "name": "isProposed",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "datasetId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "saPublicKey",
        "type": "bytes32"
      }
    ],
    "name": "joinTask",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      }
    ],
    "name": "resolve",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address[]",
        "name": "dropped",
        "type": "address[]"
      }
    ],
    "name": "restartRound",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      }
    ],
    "name": "revealOf",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "bytes32",
        "name": "revealRoot",
        "type": "bytes32"
      }
    ],
    "name": "revealSeeds",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "payoutRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "total",
        "type": "uint256"
      }
    ],
    "name": "settle",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      }
    ],
    "name": "slash",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "address[]",
        "name": "nodes",
        "type": "address[]"
      }
    ],
    "name": "slashMany",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "startTask",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "bytes32",
        "name": "updateRoot",
        "type": "bytes32"
      },
      {
        "internalType": "uint64",
        "name": "samples",
        "type": "uint64"
      }
    ],
    "name": "submitUpdate",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "taskCount",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "termLimits",
    "outputs": [
      {
        "components": [
          {
            "internalType": "uint32",
            "name": "minWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "minChallengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxChallengeWindow",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxJoinPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "minClaimPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxClaimPeriod",
            "type": "uint32"
          }
        ],
        "internalType": "struct ITrainingTasks.TermLimits",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "round",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "internalType": "address",
        "name": "node",
        "type": "address"
      }
    ],
    "name": "updateOf",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "withdrawRefund",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "withdrawStake",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  }
] as const;

export const fheCommitteesAbi = [
  {
    "inputs": [
      {
        "internalType": "contract ITrainingTasks",
        "name": "trainingTasks",
        "type": "address"
      },
      {
        "components": [
          {
            "internalType": "uint32",
            "name": "maxSetupPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "minUnbondingPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxUnbondingPeriod",
            "type": "uint32"
          }
        ],
        "internalType": "struct IFheCommittees.CommitteeLimits",
        "name": "limits",
        "type": "tuple"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "constructor"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "member",
        "type": "address"
      }
    ],
    "name": "FheCommitteesAlreadyDone",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "member",
        "type": "address"
      }
    ],
    "name": "FheCommitteesAlreadyShared",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "FheCommitteesInvalidMembers",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "FheCommitteesInvalidStake",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "keysRoot",
        "type": "bytes32"
      }
    ],
    "name": "FheCommitteesKeyMismatch",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "FheCommitteesKeyTaken",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "FheCommitteesNoResult",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      }
    ],
    "name": "FheCommitteesNotCommitteeTask",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "FheCommitteesNotMember",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "internalType": "uint64",
        "name": "deadline",
        "type": "uint64"
      }
    ],
    "name": "FheCommitteesNotSlashable",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "FheCommitteesNothingToWithdraw",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "deadline",
        "type": "uint64"
      }
    ],
    "name": "FheCommitteesSetupClosed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "deadline",
        "type": "uint64"
      }
    ],
    "name": "FheCommitteesSetupOpen",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "deadline",
        "type": "uint64"
      }
    ],
    "name": "FheCommitteesShareClosed",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "uint64",
        "name": "unbondsAt",
        "type": "uint64"
      }
    ],
    "name": "FheCommitteesStakeLocked",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "min",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "max",
        "type": "uint256"
      }
    ],
    "name": "FheCommitteesTermOutOfRange",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "FheCommitteesUnknownCommittee",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint16",
        "name": "threshold",
        "type": "uint16"
      },
      {
        "internalType": "uint16",
        "name": "members",
        "type": "uint16"
      }
    ],
    "name": "FheCommitteesUnsupportedThreshold",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "contract IERC20",
        "name": "token",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "moved",
        "type": "uint256"
      }
    ],
    "name": "FheCommitteesUnsupportedToken",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "enum IFheCommittees.CommitteeStatus",
        "name": "status",
        "type": "uint8"
      }
    ],
    "name": "FheCommitteesWrongStatus",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "FheCommitteesZeroRoot",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "token",
        "type": "address"
      }
    ],
    "name": "SafeERC20FailedOperation",
    "type": "error"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "keysRoot",
        "type": "bytes32"
      }
    ],
    "name": "CommitteeActivated",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "creator",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "seed",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "address[]",
        "name": "members",
        "type": "address[]"
      },
      {
        "components": [
          {
            "internalType": "contract IERC20",
            "name": "stakeToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "uint64",
            "name": "setupDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "unbondingPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint16",
            "name": "threshold",
            "type": "uint16"
          }
        ],
        "indexed": false,
        "internalType": "struct IFheCommittees.CommitteeParams",
        "name": "params",
        "type": "tuple"
      }
    ],
    "name": "CommitteeCreated",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "CommitteeFailed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "by",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "unbondsAt",
        "type": "uint64"
      }
    ],
    "name": "CommitteeRetired",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "contract IERC20",
        "name": "token",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "account",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      }
    ],
    "name": "CreditWithdrawn",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "keyShareRoot",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "uint128",
        "name": "stake",
        "type": "uint128"
      }
    ],
    "name": "KeyShareCommitted",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "KeySharesComplete",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "keysRoot",
        "type": "bytes32"
      }
    ],
    "name": "KeysConfirmed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "address",
        "name": "beneficiary",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint128",
        "name": "amount",
        "type": "uint128"
      },
      {
        "indexed": false,
        "internalType": "uint64",
        "name": "unbondsAt",
        "type": "uint64"
      }
    ],
    "name": "MemberSlashed",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "indexed": false,
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "indexed": false,
        "internalType": "bool",
        "name": "declined",
        "type": "bool"
      }
    ],
    "name": "SharePosted",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "member",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint128",
        "name": "amount",
        "type": "uint128"
      }
    ],
    "name": "StakeWithdrawn",
    "type": "event"
  },
  {
    "inputs": [],
    "name": "MAX_MEMBERS",
    "outputs": [
      {
        "internalType": "uint16",
        "name": "",
        "type": "uint16"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "keyShareRoot",
        "type": "bytes32"
      }
    ],
    "name": "commitKeyShare",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "committeeCount",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "committeeLimits",
    "outputs": [
      {
        "components": [
          {
            "internalType": "uint32",
            "name": "maxSetupPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "minUnbondingPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint32",
            "name": "maxUnbondingPeriod",
            "type": "uint32"
          }
        ],
        "internalType": "struct IFheCommittees.CommitteeLimits",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      }
    ],
    "name": "committeeOfKey",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "keyId",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "keysRoot",
        "type": "bytes32"
      }
    ],
    "name": "confirmKeys",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address[]",
        "name": "members",
        "type": "address[]"
      },
      {
        "components": [
          {
            "internalType": "contract IERC20",
            "name": "stakeToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "uint64",
            "name": "setupDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "unbondingPeriod",
            "type": "uint32"
          },
          {
            "internalType": "uint16",
            "name": "threshold",
            "type": "uint16"
          }
        ],
        "internalType": "struct IFheCommittees.CommitteeParams",
        "name": "params",
        "type": "tuple"
      }
    ],
    "name": "createCommittee",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "contract IERC20",
        "name": "token",
        "type": "address"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "creditOf",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "failSetup",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "getCommittee",
    "outputs": [
      {
        "components": [
          {
            "internalType": "address",
            "name": "creator",
            "type": "address"
          },
          {
            "internalType": "enum IFheCommittees.CommitteeStatus",
            "name": "status",
            "type": "uint8"
          },
          {
            "internalType": "uint16",
            "name": "members",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "threshold",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "commits",
            "type": "uint16"
          },
          {
            "internalType": "uint16",
            "name": "confirmations",
            "type": "uint16"
          },
          {
            "internalType": "uint64",
            "name": "setupDeadline",
            "type": "uint64"
          },
          {
            "internalType": "uint64",
            "name": "endedAt",
            "type": "uint64"
          },
          {
            "internalType": "uint32",
            "name": "unbondingPeriod",
            "type": "uint32"
          },
          {
            "internalType": "contract IERC20",
            "name": "stakeToken",
            "type": "address"
          },
          {
            "internalType": "uint128",
            "name": "stake",
            "type": "uint128"
          },
          {
            "internalType": "bytes32",
            "name": "seed",
            "type": "bytes32"
          },
          {
            "internalType": "bytes32",
            "name": "keyId",
            "type": "bytes32"
          },
          {
            "internalType": "bytes32",
            "name": "keysRoot",
            "type": "bytes32"
          },
          {
            "internalType": "bytes32",
            "name": "candidate",
            "type": "bytes32"
          }
        ],
        "internalType": "struct IFheCommittees.Committee",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "getMembers",
    "outputs": [
      {
        "internalType": "address[]",
        "name": "",
        "type": "address[]"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "getSeat",
    "outputs": [
      {
        "components": [
          {
            "internalType": "uint16",
            "name": "index",
            "type": "uint16"
          },
          {
            "internalType": "bool",
            "name": "committed",
            "type": "bool"
          },
          {
            "internalType": "bool",
            "name": "confirmed",
            "type": "bool"
          },
          {
            "internalType": "bool",
            "name": "slashed",
            "type": "bool"
          },
          {
            "internalType": "bool",
            "name": "stakeWithdrawn",
            "type": "bool"
          },
          {
            "internalType": "bytes32",
            "name": "keyShareRoot",
            "type": "bytes32"
          }
        ],
        "internalType": "struct IFheCommittees.Seat",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "bytes32",
        "name": "root",
        "type": "bytes32"
      },
      {
        "internalType": "bool",
        "name": "declined",
        "type": "bool"
      }
    ],
    "name": "postShare",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "retireCommittee",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      }
    ],
    "name": "shareCount",
    "outputs": [
      {
        "internalType": "uint16",
        "name": "",
        "type": "uint16"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "uint16",
        "name": "attempt",
        "type": "uint16"
      },
      {
        "internalType": "address",
        "name": "member",
        "type": "address"
      }
    ],
    "name": "shareOf",
    "outputs": [
      {
        "components": [
          {
            "internalType": "bytes32",
            "name": "root",
            "type": "bytes32"
          },
          {
            "internalType": "bool",
            "name": "declined",
            "type": "bool"
          }
        ],
        "internalType": "struct IFheCommittees.Share",
        "name": "",
        "type": "tuple"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "taskId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "member",
        "type": "address"
      }
    ],
    "name": "slashMissingShare",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "tasks",
    "outputs": [
      {
        "internalType": "contract ITrainingTasks",
        "name": "",
        "type": "address"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "contract IERC20",
        "name": "token",
        "type": "address"
      }
    ],
    "name": "withdrawCredit",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "committeeId",
        "type": "uint256"
      }
    ],
    "name": "withdrawStake",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  }
] as const;

export const rewardTokenAbi = [
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "initialOwner",
        "type": "address"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "constructor"
  },
  {
    "inputs": [],
    "name": "ECDSAInvalidSignature",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "length",
        "type": "uint256"
      }
    ],
    "name": "ECDSAInvalidSignatureLength",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "bytes32",
        "name": "s",
        "type": "bytes32"
      }
    ],
    "name": "ECDSAInvalidSignatureS",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "spender",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "allowance",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "needed",
        "type": "uint256"
      }
    ],
    "name": "ERC20InsufficientAllowance",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "sender",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "balance",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "needed",
        "type": "uint256"
      }
    ],
    "name": "ERC20InsufficientBalance",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "approver",
        "type": "address"
      }
    ],
    "name": "ERC20InvalidApprover",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "receiver",
        "type": "address"
      }
    ],
    "name": "ERC20InvalidReceiver",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "sender",
        "type": "address"
      }
    ],
    "name": "ERC20InvalidSender",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "spender",
        "type": "address"
      }
    ],
    "name": "ERC20InvalidSpender",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "uint256",
        "name": "deadline",
        "type": "uint256"
      }
    ],
    "name": "ERC2612ExpiredSignature",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "signer",
        "type": "address"
      },
      {
        "internalType": "address",
        "name": "owner",
        "type": "address"
      }
    ],
    "name": "ERC2612InvalidSigner",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "currentNonce",
        "type": "uint256"
      }
    ],
    "name": "InvalidAccountNonce",
    "type": "error"
  },
  {
    "inputs": [],
    "name": "InvalidShortString",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "owner",
        "type": "address"
      }
    ],
    "name": "OwnableInvalidOwner",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "OwnableUnauthorizedAccount",
    "type": "error"
  },
  {
    "inputs": [
      {
        "internalType": "string",
        "name": "str",
        "type": "string"
      }
    ],
    "name": "StringTooLong",
    "type": "error"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "owner",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "spender",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      }
    ],
    "name": "Approval",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [],
    "name": "EIP712DomainChanged",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "previousOwner",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "newOwner",
        "type": "address"
      }
    ],
    "name": "OwnershipTransferred",
    "type": "event"
  },
  {
    "anonymous": false,
    "inputs": [
      {
        "indexed": true,
        "internalType": "address",
        "name": "from",
        "type": "address"
      },
      {
        "indexed": true,
        "internalType": "address",
        "name": "to",
        "type": "address"
      },
      {
        "indexed": false,
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      }
    ],
    "name": "Transfer",
    "type": "event"
  },
  {
    "inputs": [],
    "name": "DOMAIN_SEPARATOR",
    "outputs": [
      {
        "internalType": "bytes32",
        "name": "",
        "type": "bytes32"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "owner",
        "type": "address"
      },
      {
        "internalType": "address",
        "name": "spender",
        "type": "address"
      }
    ],
    "name": "allowance",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "spender",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      }
    ],
    "name": "approve",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "account",
        "type": "address"
      }
    ],
    "name": "balanceOf",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "decimals",
    "outputs": [
      {
        "internalType": "uint8",
        "name": "",
        "type": "uint8"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "eip712Domain",
    "outputs": [
      {
        "internalType": "bytes1",
        "name": "fields",
        "type": "bytes1"
      },
      {
        "internalType": "string",
        "name": "name",
        "type": "string"
      },
      {
        "internalType": "string",
        "name": "version",
        "type": "string"
      },
      {
        "internalType": "uint256",
        "name": "chainId",
        "type": "uint256"
      },
      {
        "internalType": "address",
        "name": "verifyingContract",
        "type": "address"
      },
      {
        "internalType": "bytes32",
        "name": "salt",
        "type": "bytes32"
      },
      {
        "internalType": "uint256[]",
        "name": "extensions",
        "type": "uint256[]"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "to",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "amount",
        "type": "uint256"
      }
    ],
    "name": "mint",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "name",
    "outputs": [
      {
        "internalType": "string",
        "name": "",
        "type": "string"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "owner",
        "type": "address"
      }
    ],
    "name": "nonces",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "owner",
    "outputs": [
      {
        "internalType": "address",
        "name": "",
        "type": "address"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "owner",
        "type": "address"
      },
      {
        "internalType": "address",
        "name": "spender",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      },
      {
        "internalType": "uint256",
        "name": "deadline",
        "type": "uint256"
      },
      {
        "internalType": "uint8",
        "name": "v",
        "type": "uint8"
      },
      {
        "internalType": "bytes32",
        "name": "r",
        "type": "bytes32"
      },
      {
        "internalType": "bytes32",
        "name": "s",
        "type": "bytes32"
      }
    ],
    "name": "permit",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "renounceOwnership",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "symbol",
    "outputs": [
      {
        "internalType": "string",
        "name": "",
        "type": "string"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [],
    "name": "totalSupply",
    "outputs": [
      {
        "internalType": "uint256",
        "name": "",
        "type": "uint256"
      }
    ],
    "stateMutability": "view",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "to",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      }
    ],
    "name": "transfer",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "from",
        "type": "address"
      },
      {
        "internalType": "address",
        "name": "to",
        "type": "address"
      },
      {
        "internalType": "uint256",
        "name": "value",
        "type": "uint256"
      }
    ],
    "name": "transferFrom",
    "outputs": [
      {
        "internalType": "bool",
        "name": "",
        "type": "bool"
      }
    ],
    "stateMutability": "nonpayable",
    "type": "function"
  },
  {
    "inputs": [
      {
        "internalType": "address",
        "name": "newOwner",
        "type": "address"
      }
    ],
    "name": "transferOwnership",
    "outputs": [],
    "stateMutability": "nonpayable",
    "type": "function"
  }
] as const;
