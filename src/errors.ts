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
