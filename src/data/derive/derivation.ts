import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod/v4";
import { zodIssueLines } from "../../errors.ts";
import { DeriveError } from "./errors.ts";

/** One derived column: its name and the expression that computes it from a row (docs/data.md "Deriving columns"). */
export type Derivation = { name: string; expression: string };

const columnName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .regex(/^[^=`"'\n\r]+$/, "must not contain =, quotes or line breaks");
/** zod schema of a derivation file: `{ "columns": [{ "name": "season", "expression": "season(date)" }, …] }`. */
export const derivationFileSchema = z.strictObject({
  columns: z.array(z.strictObject({ name: columnName, expression: z.string().min(1, "must not be empty") })).min(1, "needs at least one column"),
});

/**
 * Reads `name=expression` (the `--column` form): the name is everything before the first "=", trimmed.
 *
 * @example
 * parseDerivation("late = delay > 15") // { name: "late", expression: "delay > 15" }
 */
export function parseDerivation(definition: string): Derivation {
  const at = definition.indexOf("=");
  const name = at < 0 ? "" : definition.slice(0, at);
  const parsed = columnName.safeParse(name);
  if (at < 0 || definition[at + 1] === "=" || /[<>!]$/.test(name) || !parsed.success)
    throw new DeriveError(`'${definition}' is not name=expression${parsed.success || at < 0 ? "" : `: the name ${parsed.error.issues[0].message}`} (e.g. late=delay>15)`);
  return { name: parsed.data, expression: definition.slice(at + 1).trim() };
}

/**
 * Reads a derivation file (JSON, checked with derivationFileSchema).
 *
 * @example
 * const derivations = await loadDerivations("derive.json")
 */
export async function loadDerivations(path: string): Promise<Derivation[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new DeriveError(`cannot read the derivation file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const result = derivationFileSchema.safeParse(json);
  if (!result.success) {
    const issues = zodIssueLines(result.error, { indexes: "brackets" });
    throw new DeriveError(`${basename(path)} is not a derivation file: ${issues[0]}`);
  }
  return result.data.columns;
}
