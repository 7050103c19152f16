export {
  attemptMembers,
  createChainClock,
  uncachedContext,
  finalizedModelRoot,
  globalModel,
  globalRoundModel,
  loadChainSchema,
  loadTaskSpec,
  membersRows,
  TERMINAL_STATUSES,
  toE6,
} from "./chainView.ts";
export type { ChainClock } from "./chainView.ts";
export { createFlTask } from "./createFlTask.ts";
export type { CreateFlTaskParameters, CreateFlTaskReturnType, FlTaskTerms } from "./createFlTask.ts";
export { prepareNode, selectFeatures } from "./prepareNode.ts";
export type { PrepareNodeParameters, PreparedNode } from "./prepareNode.ts";
export { loadOrCreateNodeKey, nodeDir, runNode } from "./runNode.ts";
export type { NodeEvent, RunNodeParameters } from "./runNode.ts";
export { collectRound, runAggregator } from "./runAggregator.ts";
export type { AggregatorEvent, RunAggregatorParameters } from "./runAggregator.ts";
export { readTaskHistory } from "./taskHistory.ts";
export type { AttemptHistory, RoundHistory, TaskHistory } from "./taskHistory.ts";
