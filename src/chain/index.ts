export * from "./abis.ts";
export * from "./client.ts";
export * from "./deployments.ts";
export * from "./errors.ts";
export * from "./networks.ts";
export * from "./events.ts";
export * from "./tasks.ts";
export * from "./termLimits.ts";
