import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { LOCAL_TERM_LIMITS } from "../../src/chain/termLimits.ts";

// TrainingTasks' bounds on task terms (parameter TwoPm.termLimits; `npx hardhat deploy` passes the network's, see
// src/chain/termLimits.ts). Immutable once deployed.

/** DatasetIndex + TrainingTasks + RewardToken (local chains and testnets without a configured token). */
export const TwoPmWithToken = buildModule("TwoPm", (m) => {
  const deployer = m.getAccount(0);
  const datasetIndex = m.contract("DatasetIndex");
  const trainingTasks = m.contract("TrainingTasks", [datasetIndex, m.getParameter("termLimits", LOCAL_TERM_LIMITS)]);
  const rewardToken = m.contract("RewardToken", [deployer]);
  return { datasetIndex, trainingTasks, rewardToken };
});

/** DatasetIndex + TrainingTasks; tasks pay in an existing ERC20 (parameter TwoPm.rewardToken). */
export const TwoPm = buildModule("TwoPm", (m) => {
  const datasetIndex = m.contract("DatasetIndex");
  const trainingTasks = m.contract("TrainingTasks", [datasetIndex, m.getParameter("termLimits", LOCAL_TERM_LIMITS)]);
  return { datasetIndex, trainingTasks };
});

export default TwoPmWithToken;
