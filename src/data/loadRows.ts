import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parse } from "csv-parse/sync";
import { DataError } from "./errors.ts";

/** One record as read from a file: CSV cells are strings, JSON cells keep their JSON types. */
export type RawRow = Record<string, unknown>;
export type DataFormat = "csv" | "json";

export type ParseRowsOptions = {
  format: DataFormat;
  /** Name used in error messages (usually the file's base name). Default "data". */
  name?: string;
};

/**
 * Parses CSV (first line is the header) or a JSON array of objects. Errors name the file and, for CSV, the line.
 *
 * @example
 * parseRows("a,b\n1,x\n", { format: "csv" }) // [{ a: "1", b: "x" }]
 */
export function parseRows(text: string, options: ParseRowsOptions): RawRow[] {
  const name = options.name ?? "data";
  return options.format === "csv" ? parseCsv(text, name) : parseJson(text, name);
}

/**
 * Reads a data file: `.csv` (header row) or `.json` (array of objects), by extension unless `format` is given.
 *
 * @example
 * const rows = await loadRows("node_modules/vega-datasets/data/penguins.json")
 */
export async function loadRows(path: string, options: { format?: DataFormat } = {}): Promise<RawRow[]> {
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  const format = options.format ?? (ext === ".csv" ? "csv" : ext === ".json" ? "json" : undefined);
  if (!format) {
    throw new DataError(`${name}: unknown data format '${ext || "(no extension)"}': use a .csv or .json file`);
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new DataError(`cannot read the data file ${path}: ${why}`, { cause: error });
  }
  return parseRows(text, { format, name });
}

function parseCsv(text: string, name: string): RawRow[] {
  try {
    return parse(text, {
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const duplicate = names.find((h, i) => names.indexOf(h) !== i);
        if (duplicate !== undefined) throw new DataError(`${name} line 1: column '${duplicate}' appears twice in the header`);
        const empty = names.findIndex((h) => h === "");
        if (empty >= 0) throw new DataError(`${name} line 1: column ${empty + 1} of the header has no name`);
        return names;
      },
      skip_empty_lines: true,
      trim: true,
    }) as RawRow[];
  } catch (error) {
    if (error instanceof DataError) throw error;
    const e = error as { lines?: number; code?: string; message?: string };
    const line = typeof e.lines === "number" ? ` line ${e.lines}` : "";
    // csv-parse messages end with "at line N" / "on line N": we already say where.
    let message = String(e.message ?? error).replace(/:? (at|on) line \d+\.?$/, "").replace(/\.$/, "");
    const counts = /columns length is (\d+), got (\d+)/.exec(message);
    if (counts) message = `expected ${counts[1]} cells like the header, found ${counts[2]}`;
    throw new DataError(`${name}${line}: malformed CSV: ${message}`, { cause: error });
  }
}

function parseJson(text: string, name: string): RawRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new DataError(`${name}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(value)) {
    throw new DataError(`${name}: expected a JSON array of row objects, found ${describe(value)}`);
  }
  value.forEach((row, i) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new DataError(`${name} row ${i + 1}: expected an object of column values, found ${describe(row)}`);
    }
  });
  return value as RawRow[];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}
