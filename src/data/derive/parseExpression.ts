// The derive language's grammar: text → syntax tree. Nothing here evaluates anything (no eval, no Function).
import { DeriveError } from "./errors.ts";

/** A node of the syntax tree; `pos` is the 1-based character position of the node in the expression text. */
export type Expression =
  | { kind: "number"; value: number; pos: number }
  | { kind: "string"; value: string; pos: number }
  | { kind: "boolean"; value: boolean; pos: number }
  | { kind: "field"; name: string; pos: number }
  | { kind: "unary"; op: "-" | "not"; arg: Expression; pos: number }
  | { kind: "binary"; op: BinaryOperator; left: Expression; right: Expression; pos: number }
  | { kind: "call"; name: string; args: Expression[]; pos: number }
  | { kind: "list"; items: Expression[]; pos: number }
  | { kind: "map"; entries: Array<{ key: string; value: Expression }>; pos: number };

export type BinaryOperator = "or" | "and" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "+" | "-" | "*" | "/" | "%";

type Token =
  | { type: "number"; value: number; pos: number; text: string }
  | { type: "string"; value: string; pos: number; text: string }
  | { type: "name"; value: string; pos: number; text: string; quoted: boolean }
  | { type: "symbol"; value: string; pos: number; text: string }
  | { type: "end"; value: ""; pos: number; text: "end of expression" };

const SYMBOLS = ["<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", ",", ":"];
const NUMBER = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const COMPARISONS = new Set(["<", "<=", ">", ">=", "==", "!="]);
/** Longest accepted expression: the language is for one column at a time, not for programs. */
export const MAX_EXPRESSION_LENGTH = 2000;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string, at: number): never => {
    throw new DeriveError(message, { source, position: at + 1 });
  };
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ type: "number", value: Number(number[0]), pos: i + 1, text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ type: "name", value: name[0], pos: i + 1, text: name[0], quoted: false });
      i += name[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      // Strings in quotes; `back quotes` name a column whose name is not a plain word ("Body Mass (g)").
      const end = source.indexOf(c, i + 1);
      if (end < 0) fail(`unclosed ${c === "`" ? "back quote" : "string"} (no closing ${c})`, i);
      const value = source.slice(i + 1, end);
      const text = source.slice(i, end + 1);
      if (c === "`") {
        if (value.trim() === "") fail("empty column name in back quotes", i);
        tokens.push({ type: "name", value, pos: i + 1, text, quoted: true });
      } else tokens.push({ type: "string", value, pos: i + 1, text });
      i = end + 1;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (symbol) {
      tokens.push({ type: "symbol", value: symbol, pos: i + 1, text: symbol });
      i += symbol.length;
      continue;
    }
    if (c === "=") fail("'=' alone is not an operator: compare with ==", i);
    if (c === "&" || c === "|" || c === "!") fail(`unexpected '${c}': write and, or, not`, i);
    fail(`unexpected character '${c}'`, i);
  }
  tokens.push({ type: "end", value: "", pos: source.length + 1, text: "end of expression" });
  return tokens;
}

/**
 * Parses one expression of the derive language (docs/data.md "Deriving columns"): numbers, "strings", true/false,
 * column names (plain words or `back quoted`), function calls, `[lists]` and `{key: value}` maps as function
 * arguments, and the operators, loosest first: `or`, `and`, `not`, comparisons (< <= > >= == !=, not chained),
 * + -, * / %, unary -. Errors are DeriveErrors naming the 1-based position.
 *
 * @example
 * parseExpression("delay > 15") // { kind: "binary", op: ">", left: { kind: "field", name: "delay", … }, … }
 */
export function parseExpression(source: string): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new DeriveError(`the expression is ${source.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are allowed`, { source: source.slice(0, 40) + "…" });
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const fail = (message: string, token: Token): never => {
    throw new DeriveError(message, { source, position: token.pos });
  };
  const isSymbol = (value: string) => peek().type === "symbol" && peek().value === value;
  const isComparison = () => peek().type === "symbol" && COMPARISONS.has(String(peek().value));
  const isWord = (value: string) => peek().type === "name" && !(peek() as { quoted: boolean }).quoted && peek().value === value;
  const expect = (value: string, what: string) => {
    if (!isSymbol(value)) fail(`expected ${what}, found ${describe(peek())}`, peek());
    return next();
  };

  const or = (): Expression => {
    let left = and();
    while (isWord("or")) {
      const op = next();
      left = { kind: "binary", op: "or", left, right: and(), pos: op.pos };
    }
    return left;
  };
  const and = (): Expression => {
    let left = not();
    while (isWord("and")) {
      const op = next();
      left = { kind: "binary", op: "and", left, right: not(), pos: op.pos };
    }
    return left;
  };
  const not = (): Expression => {
    if (isWord("not")) {
      const op = next();
      return { kind: "unary", op: "not", arg: not(), pos: op.pos };
    }
    return comparison();
  };
  const comparison = (): Expression => {
    const left = sum();
    if (isComparison()) {
      const op = next();
      const right = sum();
      if (isComparison())
        fail(`comparisons do not chain: write a < b and b < c`, peek());
      return { kind: "binary", op: op.value as BinaryOperator, left, right, pos: op.pos };
    }
    return left;
  };
  const sum = (): Expression => {
    let left = product();
    while (isSymbol("+") || isSymbol("-")) {
      const op = next();
      left = { kind: "binary", op: op.value as BinaryOperator, left, right: product(), pos: op.pos };
    }
    return left;
  };
  const product = (): Expression => {
    let left = unary();
    while (isSymbol("*") || isSymbol("/") || isSymbol("%")) {
      const op = next();
      left = { kind: "binary", op: op.value as BinaryOperator, left, right: unary(), pos: op.pos };
    }
    return left;
  };
  const unary = (): Expression => {
    if (isSymbol("-")) {
      const op = next();
      const arg = unary();
      // Fold "-3" into a literal, so that bucket edges and map values can be negative constants.
      return arg.kind === "number" ? { kind: "number", value: -arg.value, pos: op.pos } : { kind: "unary", op: "-", arg, pos: op.pos };
    }
    return primary();
  };
  const primary = (): Expression => {
    const token = next();
    switch (token.type) {
      case "number":
        return { kind: "number", value: token.value, pos: token.pos };
      case "string":
        return { kind: "string", value: token.value, pos: token.pos };
      case "name": {
        if (!token.quoted && (token.value === "true" || token.value === "false"))
          return { kind: "boolean", value: token.value === "true", pos: token.pos };
        if (!token.quoted && ["and", "or", "not"].includes(token.value)) fail(`expected a value, found '${token.value}'`, token);
        if (!token.quoted && isSymbol("(")) {
          next();
          const args = items(")", "')' or ','");
          return { kind: "call", name: token.value, args, pos: token.pos };
        }
        return { kind: "field", name: token.value, pos: token.pos };
      }
      case "symbol":
        if (token.value === "(") {
          const inner = or();
          expect(")", "')'");
          return inner;
        }
        if (token.value === "[") return { kind: "list", items: items("]", "']' or ','"), pos: token.pos };
        if (token.value === "{") return { kind: "map", entries: entries(), pos: token.pos };
        return fail(`expected a value, found '${token.value}'`, token);
      case "end":
        return fail("expected a value, found the end of the expression", token);
    }
  };
  /** Comma-separated expressions up to `close` (already past the opening bracket). */
  const items = (close: string, what: string): Expression[] => {
    const out: Expression[] = [];
    if (isSymbol(close)) {
      next();
      return out;
    }
    for (;;) {
      out.push(or());
      if (isSymbol(",")) {
        next();
        continue;
      }
      expect(close, what);
      return out;
    }
  };
  /** `key: value` pairs up to "}"; keys are words, numbers or strings. */
  const entries = (): Array<{ key: string; value: Expression }> => {
    const out: Array<{ key: string; value: Expression }> = [];
    const seen = new Set<string>();
    if (isSymbol("}")) {
      next();
      return out;
    }
    for (;;) {
      const key = next();
      if (key.type !== "name" && key.type !== "string" && key.type !== "number") fail(`expected a key, found ${describe(key)}`, key);
      const name = String(key.value);
      if (seen.has(name)) fail(`the key '${name}' appears twice`, key);
      seen.add(name);
      expect(":", "':' after the key");
      out.push({ key: name, value: or() });
      if (isSymbol(",")) {
        next();
        continue;
      }
      expect("}", "'}' or ','");
      return out;
    }
  };

  const tree = or();
  if (peek().type !== "end") fail(`unexpected ${describe(peek())} after a complete expression`, peek());
  return tree;
}

function describe(token: Token): string {
  return token.type === "end" ? "the end of the expression" : `'${token.text}'`;
}
