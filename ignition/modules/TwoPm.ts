import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** DatasetIndex + TrainingTasks + RewardToken (local chains and testnets without a configured token). */
export const TwoPmWithToken = buildModule("TwoPm", (m) => {
  const deployer = m.getAccount(0);
  const datasetIndex = m.contract("DatasetIndex");
  const trainingTasks = m.contract("TrainingTasks", [datasetIndex]);
  const rewardToken = m.contract("RewardToken", [deployer]);
  return { datasetIndex, trainingTasks, rewardToken };
});

/** DatasetIndex + TrainingTasks; tasks pay in an existing ERC20 (parameter TwoPm.rewardToken). */
export const TwoPm = buildModule("TwoPm", (m) => {
  const datasetIndex = m.contract("DatasetIndex");
  const trainingTasks = m.contract("TrainingTasks", [datasetIndex]);
  return { datasetIndex, trainingTasks };
});

export default TwoPmWithToken;
