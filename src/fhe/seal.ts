// Internal: loading node-seal once per process, freeing SEAL objects, and turning WASM exceptions into FheErrors.
import SEAL from "node-seal";
import type { MainModule } from "node-seal";
import { TwoPmError } from "../errors.ts";
import { FheError } from "./errors.ts";

export type SealModule = MainModule;

let sealPromise: Promise<SealModule> | undefined;

/**
 * The node-seal WebAssembly module, instantiated once per process: its memory never shrinks, so several
 * instances would each keep their peak.
 */
export function loadSeal(): Promise<SealModule> {
  sealPromise ??= SEAL().catch((cause: unknown) => {
    sealPromise = undefined;
    throw new FheError("Could not load node-seal (Microsoft SEAL WebAssembly); run on Node >= 22.", {
      details: describeError(cause),
      cause,
    });
  });
  return sealPromise;
}

type Deletable = { delete(): void; isDeleted(): boolean };

/** Collects SEAL objects and deletes them all at once (every SEAL object lives in WASM memory until deleted). */
export class SealScope {
  #items: Deletable[] = [];

  add<T extends Deletable>(item: T): T {
    this.#items.push(item);
    return item;
  }

  /** Deletes one tracked object now (for loops that would otherwise hold every iteration's objects). */
  free(item: Deletable | undefined): void {
    if (!item) return;
    const i = this.#items.lastIndexOf(item);
    if (i >= 0) this.#items.splice(i, 1);
    safeDelete(item);
  }

  dispose(): void {
    for (let i = this.#items.length - 1; i >= 0; i--) safeDelete(this.#items[i]);
    this.#items = [];
  }
}

function safeDelete(item: Deletable): void {
  try {
    if (!item.isDeleted()) item.delete();
  } catch {
    // already freed by SEAL itself: nothing left to release
  }
}

/** Runs `fn` with a scope whose SEAL objects are deleted afterwards, whatever happens. */
export function withScope<T>(fn: (scope: SealScope) => T): T {
  const scope = new SealScope();
  try {
    return fn(scope);
  } finally {
    scope.dispose();
  }
}

/** Async variant of {@link withScope}. */
export async function withScopeAsync<T>(fn: (scope: SealScope) => Promise<T>): Promise<T> {
  const scope = new SealScope();
  try {
    return await fn(scope);
  } finally {
    scope.dispose();
  }
}

/**
 * Runs a SEAL call and rethrows its WebAssembly.Exception as an FheError saying what failed, so no raw WASM
 * exception (whose `message` is an array) ever reaches a caller.
 */
export function sealTry<T>(what: string, fn: () => T, hint = ""): T {
  try {
    return fn();
  } catch (cause) {
    if (cause instanceof TwoPmError) throw cause;
    throw new FheError(`${what} failed${hint ? `: ${hint}` : "."}`, { details: describeError(cause), cause });
  }
}

/** Human-readable text of a SEAL/WASM error (WebAssembly.Exception carries [type, message]). */
export function describeError(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    const message = (error as { message: unknown }).message;
    if (Array.isArray(message)) return message.map(String).join(": ");
    return String(message);
  }
  return String(error);
}

/** Lets the event loop run (progress bars, signals) during long synchronous SEAL work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `yieldToEventLoop` at most every `intervalMs`. */
export function makeYielder(intervalMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    await yieldToEventLoop();
  };
}

/**
 * The bytes as a plain Uint8Array view (no copy). node-seal's loaders reject subclasses such as Node's Buffer
 * ("expected Uint8Array"), which is what readFile returns.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new FheError(
      `Expected key or ciphertext bytes as a Uint8Array, got ${bytes === null ? "null" : typeof bytes}.`,
    );
  }
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
