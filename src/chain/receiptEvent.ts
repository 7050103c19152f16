import { parseEventLogs, type Abi, type ContractEventName, type ParseEventLogsReturnType, type TransactionReceipt } from "viem";
import { ChainError } from "./errors.ts";

export type ReceiptEventReturnType<abi extends Abi, eventName extends ContractEventName<abi>> = ParseEventLogsReturnType<abi, eventName, true>[number]["args"];

/**
 * The arguments of the first `eventName` a transaction emitted (e.g. the id a registration assigned).
 * @example const { datasetId } = receiptEvent(receipt, datasetIndexAbi, "DatasetRegistered")
 */
export function receiptEvent<const abi extends Abi, eventName extends ContractEventName<abi>>(
  receipt: TransactionReceipt,
  abi: abi,
  eventName: eventName,
): ReceiptEventReturnType<abi, eventName> {
  const [log] = parseEventLogs({ abi, logs: receipt.logs, eventName, strict: true });
  if (!log) throw new ChainError(`transaction ${receipt.transactionHash} emitted no ${eventName}`);
  return log.args as ReceiptEventReturnType<abi, eventName>;
}
