/**
 * The one error base class of the library. `shortMessage` is the one line a CLI prints; `details` adds context
 * for --verbose output; `cause` keeps the underlying error. Messages say what to do, and never contain keys,
 * secrets or RPC URLs with credentials.
 */
export type TwoPmErrorOptions = { details?: string; cause?: unknown };

export class TwoPmError extends Error {
  override name = "TwoPmError";
  readonly shortMessage: string;
  readonly details?: string;

  constructor(shortMessage: string, options: TwoPmErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** What a zod error looks like here (zod 3 and 4 both fit). */
export type ZodLikeError = { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };

/**
 * A zod error as one line per issue, "path: message": the first line is the one-line error a user sees, all of them
 * its details. Paths are dotted (`leaves.0.amount`), or with `indexes: "brackets"` written `fields[2].name`; the
 * document itself is `root` ("(top level)").
 *
 * @example
 * const [first, ...rest] = zodIssueLines(result.error) // ["rows: Expected number, received string", …]
 */
export function zodIssueLines(error: ZodLikeError, options: { root?: string; indexes?: "dots" | "brackets" } = {}): string[] {
  const { root = "(top level)", indexes = "dots" } = options;
  const where = (path: ReadonlyArray<PropertyKey>) =>
    path.length === 0
      ? root
      : indexes === "dots"
        ? path.map(String).join(".")
        : path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
  return error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`);
}
