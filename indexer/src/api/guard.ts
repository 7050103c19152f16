// Checks a GraphQL request before Ponder runs it: the body's shape, the arguments Ponder would misread
// (`orderDirection: "sideways"` silently meant desc, `limit: -1` answered [], a garbage cursor a JSON parse error),
// and the rows the query may read (graphql-query-complexity with an estimator for Ponder's list fields). Nothing here
// touches the database: a refused query costs a parse.
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import { getNamedType, GraphQLObjectType, GraphQLScalarType, GraphQLEnumType, parse, type GraphQLSchema } from "graphql";
import { limitVariable, PONDER_DEFAULT_LIMIT, PONDER_MAX_LIMIT, type QueryLimits } from "./limits.ts";

export type GraphQLRequest = { query: string; variables?: Record<string, unknown>; operationName?: string };

export type GuardResult = { ok: true; request: GraphQLRequest; rows: number } | { ok: false; message: string };

const fail = (message: string): GuardResult => ({ ok: false, message });

/**
 * Decides whether a POSTed GraphQL body may run.
 * @example const verdict = checkGraphQLRequest(schema, '{"query":"{ datasets { totalCount } }"}', limits)
 */
export function checkGraphQLRequest(schema: GraphQLSchema, body: string, limits: QueryLimits): GuardResult {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return fail('the request body must be JSON: {"query": "...", "variables": {...}}');
  }
  if (typeof request !== "object" || request === null || Array.isArray(request) || typeof (request as GraphQLRequest).query !== "string") {
    return fail('the request body must be a JSON object with a "query" string (batches are not supported)');
  }
  const { query, variables, operationName } = request as GraphQLRequest;
  if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) return fail('"variables" must be a JSON object');
  if (operationName != null && typeof operationName !== "string") return fail('"operationName" must be a string');

  let document;
  try {
    document = parse(query, { maxTokens: 10_000 });
  } catch (err) {
    return fail((err as Error).message);
  }
  const problems: string[] = [];
  let rows: number;
  try {
    rows = getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators: [rowEstimator(problems)] });
  } catch (err) {
    return fail((err as Error).message);
  }
  if (problems.length) return fail(problems[0]!);
  if (!Number.isFinite(rows) || rows > limits.maxRows) {
    return fail(`query too expensive: it may read up to ${Math.round(rows).toLocaleString("en")} rows, the limit is ${limits.maxRows.toLocaleString("en")} (${limitVariable("maxRows")}); lower the nested "limit"s (default ${PONDER_DEFAULT_LIMIT}) or split the query`);
  }
  return { ok: true, request: { query, variables: variables ?? undefined, operationName: operationName ?? undefined }, rows };
}

/**
 * `work`'s result, or "timeout" when it takes longer than `ms` (the work itself goes on: GraphQL execution in Ponder
 * 0.17 cannot be cancelled; the cost limit bounds it).
 * @example const outcome = await withTimeout(gql(c, next), 10_000)
 */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}

// Rows a field may read. Ponder's list fields (root plurals and to-many relations) take `limit` and run one SQL
// query per parent; to-one relations and singular lookups go through a dataloader (one row each); scalars are read
// with their row.
function rowEstimator(problems: string[]): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    if (field.args.some((a) => a.name === "limit")) {
      const where = `${field.name}(…)`;
      problems.push(...listArgumentProblems(where, args));
      const limit = typeof args.limit === "number" && args.limit >= 0 ? Math.min(args.limit, PONDER_MAX_LIMIT) : PONDER_DEFAULT_LIMIT;
      // The query itself plus, per item, its row and what the item selects.
      return 1 + limit * (1 + childComplexity);
    }
    const type = getNamedType(field.type);
    if (type instanceof GraphQLScalarType || type instanceof GraphQLEnumType) return field.name === "totalCount" ? 1 : 0;
    // A page's `items` and `pageInfo` cost what they select; the list field above multiplies them.
    if (field.name === "items" || field.name === "pageInfo" || field.name.startsWith("__") || !(type instanceof GraphQLObjectType)) return childComplexity;
    return 1 + childComplexity;
  };
}

const CURSOR_HINT = "pass the endCursor or startCursor of a previous page unchanged";

function listArgumentProblems(where: string, args: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { orderDirection, limit, offset, before, after } = args;
  if (orderDirection !== undefined && orderDirection !== null && orderDirection !== "asc" && orderDirection !== "desc") {
    problems.push(`${where}: orderDirection must be "asc" or "desc", got ${JSON.stringify(orderDirection)}`);
  }
  if (typeof limit === "number" && (limit < 0 || limit > PONDER_MAX_LIMIT)) problems.push(`${where}: limit must be between 0 and ${PONDER_MAX_LIMIT}, got ${limit}`);
  if (typeof offset === "number" && offset < 0) problems.push(`${where}: offset must be 0 or more, got ${offset}`);
  for (const [name, cursor] of [["before", before], ["after", after]] as const) {
    if (typeof cursor === "string" && !isCursor(cursor)) problems.push(`${where}: ${name} is not a cursor of this API (${CURSOR_HINT})`);
  }
  return problems;
}

// Ponder's cursors are base64 of superjson: {"json": {<order-by columns>: value}, "meta"?: …}.
function isCursor(cursor: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return false;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { json?: unknown };
    return typeof decoded === "object" && decoded !== null && typeof decoded.json === "object" && decoded.json !== null && !Array.isArray(decoded.json);
  } catch {
    return false;
  }
}
