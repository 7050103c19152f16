import type { Hex } from "viem";
import { canonicalJsonBytes } from "./canonicalJson.ts";
import { zodIssueLines, type ZodLikeError } from "../errors.ts";
import { StorageError } from "./errors.ts";
import type { ContentStore } from "./types.ts";

/** Anything with zod's safeParse (zod 3 or 4 schemas both fit). */
export type ParseSchema<T> = {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: ZodLikeError };
};

/**
 * Stores `value` as canonical JSON (sorted keys, no whitespace) and returns its root: equal values get equal roots.
 *
 * @example
 * const manifestRoot = await putJson(store, manifest)
 */
export async function putJson(store: ContentStore, value: unknown): Promise<Hex> {
  return store.put(canonicalJsonBytes(value));
}

/**
 * Reads the JSON object stored under `root` (verified against the root by the store) and, with a zod schema,
 * validates it.
 *
 * @example
 * const manifest = await getJson(store, manifestRoot, manifestSchema)
 */
export async function getJson<T = unknown>(store: ContentStore, root: Hex, schema?: ParseSchema<T>): Promise<T> {
  const bytes = await store.get(root);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new StorageError(`object ${root} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssueLines(result.error);
  throw new StorageError(`object ${root} is not the expected JSON document: ${issues[0] ?? "(top level): invalid"}`, { details: issues.join("\n") });
}
