import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { LOCAL_COMMITTEE_LIMITS, LOCAL_TERM_LIMITS } from "../../src/chain/termLimits.ts";

// TrainingTasks' bounds on task terms (parameter TwoPm.termLimits) and FheCommittees' bounds on committee terms
// (parameter TwoPm.committeeLimits); `npx hardhat deploy` passes the network's, see src/chain/termLimits.ts.
// Immutable once deployed.

/**
 * The libraries TrainingTasks links (contracts/libraries/, external functions called by DELEGATECALL): deployed
 * first, their addresses written into TrainingTasks' bytecode. Ignition checks the list against the artifact.
 */
export const TRAINING_TASKS_LIBRARIES = ["TaskTerms", "TaskJoin", "RoundFinalize", "Settlement"] as const;

type ModuleBuilder = Parameters<Parameters<typeof buildModule>[1]>[0];

function coreContracts(m: ModuleBuilder) {
  const datasetIndex = m.contract("DatasetIndex");
  const libraries = Object.fromEntries(TRAINING_TASKS_LIBRARIES.map((name) => [name, m.library(name)]));
  const trainingTasks = m.contract("TrainingTasks", [datasetIndex, m.getParameter("termLimits", LOCAL_TERM_LIMITS)], { libraries });
  const fheCommittees = m.contract("FheCommittees", [trainingTasks, m.getParameter("committeeLimits", LOCAL_COMMITTEE_LIMITS)]);
  return { datasetIndex, trainingTasks, fheCommittees };
}

/** DatasetIndex + TrainingTasks (with its libraries) + FheCommittees + RewardToken (local chains and testnets without a token). */
export const TwoPmWithToken = buildModule("TwoPm", (m) => {
  const rewardToken = m.contract("RewardToken", [m.getAccount(0)]);
  return { ...coreContracts(m), rewardToken };
});

/** DatasetIndex + TrainingTasks (with its libraries) + FheCommittees; tasks pay in an existing ERC20 (parameter TwoPm.rewardToken). */
export const TwoPm = buildModule("TwoPm", (m) => coreContracts(m));

export default TwoPmWithToken;
