// The derive language's meaning: a checked syntax tree → a function of one row. Only the functions and operators
// below exist; cells are read with Object.hasOwn, so no name reaches a prototype ("__proto__", "constructor").
import { DeriveError } from "./errors.ts";
import { parseExpression, type Expression } from "./parseExpression.ts";

/** A derived cell: missing cells are null (written as an empty cell). */
export type DerivedValue = number | string | boolean | null;
/** Evaluates a compiled expression on one row; `rowNumber` (1-based) is what `row()` returns and errors cite. */
export type CompiledExpression = (row: Readonly<Record<string, unknown>>, rowNumber: number) => DerivedValue;

type Evaluate = (row: Readonly<Record<string, unknown>>, rowNumber: number) => DerivedValue;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// 2012-01-31, 2001/01/31 06:02, 2012-01-31T06:02:00Z (the offset is ignored: the date as written counts).
const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$/;
const SEASONS = ["winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer", "autumn", "autumn", "autumn", "winter"];

/** The functions, with their argument counts (min, max) and what they do, for error messages and docs. */
export const DERIVE_FUNCTIONS: Readonly<Record<string, { args: [number, number]; usage: string }>> = {
  year: { args: [1, 1], usage: "year(date) → 2012" },
  month: { args: [1, 1], usage: "month(date) → 1..12" },
  day: { args: [1, 1], usage: "day(date) → 1..31" },
  hour: { args: [1, 1], usage: "hour(date) → 0..23" },
  season: { args: [1, 1], usage: "season(date) → winter (Dec–Feb), spring, summer, autumn (Sep–Nov)" },
  bucket: { args: [2, 3], usage: "bucket(x, [edges], [labels]?) → index of the interval [e_i, e_i+1) x falls in, or its label" },
  map: { args: [2, 3], usage: "map(x, {key: value, …}, default?) → the value of x's key" },
  if: { args: [3, 3], usage: "if(condition, then, else)" },
  row: { args: [0, 0], usage: "row() → the 1-based row number" },
};

/**
 * Parses and checks an expression against the columns it may read, and returns it as a function of a row. Checks
 * before any row is read: every column exists, functions exist with the right number of arguments, lists and
 * maps are literal constants where a function takes them, bucket edges increase. Errors on a row (a cell that is not
 * a number or a date, a value `map` has no entry for, division by zero) name the row and the position.
 *
 * @example
 * const late = compileExpression("delay > 15", new Set(["delay"]))
 * late({ delay: "20" }, 1) // true
 */
export function compileExpression(source: string, columns: ReadonlySet<string>): CompiledExpression {
  const tree = parseExpression(source);
  const fail = (message: string, node: { pos: number }, row?: number): never => {
    throw new DeriveError(message, { source, position: node.pos, row });
  };

  const compile = (node: Expression): Evaluate => {
    switch (node.kind) {
      case "number":
      case "string":
      case "boolean": {
        const value = node.value;
        return () => value;
      }
      case "field": {
        const name = node.name;
        if (!columns.has(name)) {
          const known = [...columns].slice(0, 12).map((c) => `'${c}'`).join(", ");
          fail(`no column '${name}'${columns.size ? ` (columns: ${known}${columns.size > 12 ? ", …" : ""})` : ""}; write text in "quotes"`, node);
        }
        return (row, rowNumber) => cell(row, name, rowNumber, node.pos);
      }
      case "unary": {
        const arg = compile(node.arg);
        if (node.op === "-")
          return (row, n) => {
            const v = arg(row, n);
            return v === null ? null : -toNumber(v, node.arg, n);
          };
        return (row, n) => {
          const v = arg(row, n);
          return v === null ? null : !toBoolean(v, node.arg, n);
        };
      }
      case "binary":
        return binary(node);
      case "call":
        return call(node);
      case "list":
        return fail("a [list] is only allowed as bucket()'s edges or labels", node);
      case "map":
        return fail("a {map} is only allowed as map()'s second argument", node);
    }
  };

  const binary = (node: Extract<Expression, { kind: "binary" }>): Evaluate => {
    const left = compile(node.left);
    const right = compile(node.right);
    const { op } = node;
    return (row, n) => {
      const a = left(row, n);
      const b = right(row, n);
      if (a === null || b === null) return null;
      switch (op) {
        case "and":
          return toBoolean(a, node.left, n) && toBoolean(b, node.right, n);
        case "or":
          return toBoolean(a, node.left, n) || toBoolean(b, node.right, n);
        case "==":
        case "!=": {
          const x = numeric(a);
          const y = numeric(b);
          const equal = x !== null && y !== null ? x === y : text(a) === text(b);
          return op === "==" ? equal : !equal;
        }
      }
      const x = toNumber(a, node.left, n);
      const y = toNumber(b, node.right, n);
      switch (op) {
        case "<": return x < y;
        case "<=": return x <= y;
        case ">": return x > y;
        case ">=": return x >= y;
        case "+": return x + y;
        case "-": return x - y;
        case "*": return x * y;
        case "/":
        case "%":
          if (y === 0) return fail("division by zero", node, n);
          return op === "/" ? x / y : x % y;
      }
    };
  };

  const call = (node: Extract<Expression, { kind: "call" }>): Evaluate => {
    const known = Object.hasOwn(DERIVE_FUNCTIONS, node.name) ? DERIVE_FUNCTIONS[node.name] : undefined;
    if (!known) return fail(`unknown function '${node.name}' (functions: ${Object.keys(DERIVE_FUNCTIONS).join(", ")})`, node);
    const [min, max] = known.args;
    if (node.args.length < min || node.args.length > max)
      fail(`${node.name}() takes ${min === max ? min : `${min} or ${max}`} argument${max === 1 ? "" : "s"}, got ${node.args.length}: ${known.usage}`, node);
    switch (node.name) {
      case "row":
        return (_row, n) => n;
      case "year":
      case "month":
      case "day":
      case "hour":
      case "season": {
        const arg = compile(node.args[0]);
        const part = node.name;
        return (row, n) => {
          const v = arg(row, n);
          return v === null ? null : datePart(part, v, node, n);
        };
      }
      case "if": {
        const [condition, then, otherwise] = node.args.map(compile);
        return (row, n) => {
          const c = condition(row, n);
          return c === null ? null : toBoolean(c, node.args[0], n) ? then(row, n) : otherwise(row, n);
        };
      }
      case "bucket":
        return bucket(node);
      default:
        return mapValues(node);
    }
  };

  const bucket = (node: Extract<Expression, { kind: "call" }>): Evaluate => {
    const x = compile(node.args[0]);
    const edges = constants(node.args[1], "bucket()'s edges", "number") as number[];
    if (edges.length === 0) fail("bucket() needs at least one edge", node.args[1]);
    edges.forEach((e, i) => {
      if (i > 0 && !(e > edges[i - 1])) fail(`bucket() edges must increase: ${e} follows ${edges[i - 1]}`, node.args[1]);
    });
    const labels = node.args[2] ? constants(node.args[2], "bucket()'s labels", "any") : undefined;
    if (labels && labels.length !== edges.length + 1)
      fail(`${edges.length} edge${edges.length === 1 ? "" : "s"} make ${edges.length + 1} buckets, but ${labels.length} label${labels.length === 1 ? " is" : "s are"} given`, node.args[2]);
    return (row, n) => {
      const v = x(row, n);
      if (v === null) return null;
      const value = toNumber(v, node.args[0], n);
      let index = 0;
      while (index < edges.length && value >= edges[index]) index++;
      return labels ? labels[index] : index;
    };
  };

  const mapValues = (node: Extract<Expression, { kind: "call" }>): Evaluate => {
    const x = compile(node.args[0]);
    const table = node.args[1];
    if (table.kind !== "map") return fail("map() takes a {key: value, …} map as its second argument", table);
    // A Map, not an object: a key like "constructor" or "__proto__" is just a key.
    const lookup = new Map<string, DerivedValue>();
    for (const entry of table.entries) lookup.set(entry.key, constant(entry.value, "a map value"));
    const fallback = node.args[2] ? compile(node.args[2]) : undefined;
    return (row, n) => {
      const v = x(row, n);
      if (v === null) return null;
      const key = text(v);
      if (lookup.has(key)) return lookup.get(key)!;
      if (fallback) return fallback(row, n);
      return fail(`map() has no entry for '${key}' (add it, or a default as third argument)`, node, n);
    };
  };

  const constants = (node: Expression, what: string, type: "number" | "any"): DerivedValue[] => {
    if (node.kind !== "list") return fail(`${what} must be a [list]`, node);
    return node.items.map((item) => {
      const value = constant(item, `an item of ${what}`);
      if (type === "number" && typeof value !== "number") fail(`${what} must be numbers`, item);
      return value;
    });
  };
  const constant = (node: Expression, what: string): DerivedValue => {
    if (node.kind === "number" || node.kind === "string" || node.kind === "boolean") return node.value;
    return fail(`${what} must be a number, "text", true or false`, node);
  };

  const cell = (row: Readonly<Record<string, unknown>>, name: string, rowNumber: number, pos: number): DerivedValue => {
    const raw = Object.hasOwn(row, name) ? row[name] : undefined;
    if (raw === null || raw === undefined) return null;
    if (typeof raw === "string") return raw.trim() === "" ? null : raw.trim();
    if (typeof raw === "number" || typeof raw === "boolean") return raw;
    return fail(`column '${name}' holds ${Array.isArray(raw) ? "an array" : "an object"}, not a value`, { pos }, rowNumber);
  };
  const toNumber = (v: DerivedValue, node: Expression, rowNumber: number): number => {
    const x = numeric(v);
    if (x === null) fail(`${show(v)}${node.kind === "field" ? ` in column '${node.name}'` : ""} is not a number`, node, rowNumber);
    return x as number;
  };
  const toBoolean = (v: DerivedValue, node: Expression, rowNumber: number): boolean => {
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return fail(`${show(v)}${node.kind === "field" ? ` in column '${node.name}'` : ""} is not true or false`, node, rowNumber);
  };
  const datePart = (part: string, v: DerivedValue, node: Extract<Expression, { kind: "call" }>, rowNumber: number): DerivedValue => {
    const arg = node.args[0];
    const m = typeof v === "string" ? DATE.exec(v) : null;
    const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
    if (!m || month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
      fail(`${show(v)}${arg.kind === "field" ? ` in column '${arg.name}'` : ""} is not a date (YYYY-MM-DD, optionally with hh:mm)`, arg, rowNumber);
    switch (part) {
      case "year": return year;
      case "month": return month;
      case "day": return day;
      case "season": return SEASONS[month - 1];
      default: {
        if (m![4] === undefined) fail(`${show(v)} has no time of day`, arg, rowNumber);
        const hour = Number(m![4]);
        if (hour > 23 || Number(m![5]) > 59) fail(`${show(v)} is not a time of day`, arg, rowNumber);
        return hour;
      }
    }
  };

  return compile(tree);
}

/** A value as a number: numbers, and strings that read as one (CSV cells are strings). */
function numeric(v: DerivedValue): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && NUMBER.test(v)) return Number(v);
  return null;
}

/** A value as text: what a derived CSV cell holds, and what map() looks up. */
export function text(v: DerivedValue): string {
  return v === null ? "" : typeof v === "number" ? String(Object.is(v, -0) ? 0 : v) : String(v);
}

function show(v: DerivedValue): string {
  const s = typeof v === "string" ? `'${v}'` : String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
