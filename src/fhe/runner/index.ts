// The FHE task protocol (kind 1): create (task creator), compute (compute node), publish (key holder). Functions
// taking a chain context, a store and options with progress callbacks; the CLI parses, prints and calls them.
export { createFheTask } from "./createFheTask.ts";
export type { CreateFheTaskParameters, CreateFheTaskReturnType, FheTaskTerms } from "./createFheTask.ts";
export { computeFheTask } from "./computeFheTask.ts";
export type { ComputeFheEvent, ComputeFheTaskParameters, ComputeFheTaskReturnType } from "./computeFheTask.ts";
export { publishFheResult } from "./publishFheResult.ts";
export type { PublishFheResultParameters, PublishFheResultReturnType } from "./publishFheResult.ts";
export * from "./committee/index.ts";
