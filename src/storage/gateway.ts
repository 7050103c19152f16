// The storage gateway: PUT / GET / HEAD of content-addressed objects over HTTP, for browsers that reach neither 0G
// nor the local store. Nothing is stored unless the bytes hash (0G Merkle root, computed here) to the root the URL
// claims; bodies over the limit are refused while streaming, without reading the rest.
import { open, type FileHandle } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Hex } from "viem";
import { writeFileAtomic } from "./atomicWrite.ts";
import { ObjectNotFoundError } from "./errors.ts";
import type { LocalStore } from "./localStore.ts";
import { merkleRoot } from "./merkleRoot.ts";
import { ROOT_PATTERN } from "./root.ts";
import type { ContentStore } from "./types.ts";

/** Where the gateway serves objects: `${STORAGE_PATH}/0x<64 lowercase hex digits>`. */
export const STORAGE_PATH = "/storage";

export type StorageGatewayHandlerParameters = {
  /** The store behind the gateway. A LocalStore's files are streamed on GET; another store is read whole. */
  store: ContentStore | LocalStore;
  /** Largest object accepted by PUT, in bytes. Default 64 MiB. */
  maxObjectBytes?: number;
  /** Uploads in progress at once (each is buffered in memory up to maxObjectBytes); more get 503. Default 4. */
  maxConcurrentUploads?: number;
  /** An upload whose body is not complete after this long gets 408. Default 120 s. */
  uploadTimeoutMs?: number;
  /** Requests per client address per window; more get 429. `false` turns it off. Default 600 per 60 s. */
  rateLimit?: { requests: number; windowMs: number } | false;
  /**
   * Origins (e.g. `https://app.example`) that may call the gateway from a page, besides the gateway's own origin.
   * A request with any other Origin header gets 403. Default none: same origin only.
   */
  allowedOrigins?: readonly string[];
  /**
   * After refusing an upload before its end (413, 408, 503, 403), the connection stays open without reading for
   * this long so the client can read the answer, then is closed. Default 2 s.
   */
  lingerMs?: number;
  /** Hears of store failures (answered 500 without details: they may name server paths). Default: ignored. */
  onError?: (error: unknown) => void;
};

export const STORAGE_GATEWAY_DEFAULTS = {
  maxObjectBytes: 64 * 1024 * 1024,
  maxConcurrentUploads: 4,
  uploadTimeoutMs: 120_000,
  rateLimit: { requests: 600, windowMs: 60_000 },
  lingerMs: 2_000,
} as const;

export type StorageGatewayHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** One year: the bytes under a root never change. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * A node:http request handler for `/storage/<root>` over `store`: `PUT` stores the body if its 0G root is `<root>`
 * (201, or 200 when already stored; 422 on a mismatch, 413 over the size limit), `GET`/`HEAD` return the object
 * (404 when absent), `OPTIONS` answers CORS preflights of allowed origins. Any other path under /storage gets 400
 * (not a root) or 404. Errors are JSON `{ "error": "…" }`.
 *
 * @example
 * const gateway = storageGatewayHandler({ store: localStore(".2pm/store") })
 * createServer((req, res) => req.url?.startsWith(STORAGE_PATH) ? gateway(req, res) : res.writeHead(404).end()).listen(3000, "127.0.0.1")
 * // curl -X PUT --data-binary @file http://127.0.0.1:3000/storage/0x…
 */
export function storageGatewayHandler(parameters: StorageGatewayHandlerParameters): StorageGatewayHandler {
  const { store } = parameters;
  const settings = { ...STORAGE_GATEWAY_DEFAULTS, ...definedOnly(parameters) };
  const { maxObjectBytes, maxConcurrentUploads, uploadTimeoutMs, lingerMs } = settings;
  const allowedOrigins = new Set(parameters.allowedOrigins ?? []);
  const limiter = settings.rateLimit ? rateLimiter(settings.rateLimit) : undefined;
  let uploads = 0;

  return (req, res) => {
    res.setHeader("x-content-type-options", "nosniff");
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!isSameOrigin(origin, req.headers.host) && !allowedOrigins.has(origin)) {
        return refuse(req, res, 403, `origin ${origin.slice(0, 100)} may not use this storage gateway`, lingerMs);
      }
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "Origin");
      res.setHeader("access-control-expose-headers", "content-length, etag");
    }
    const retryAfter = limiter?.(req.socket.remoteAddress ?? "");
    if (retryAfter !== undefined) {
      res.setHeader("retry-after", String(retryAfter));
      return refuse(req, res, 429, `too many requests: try again in ${retryAfter} s`, lingerMs);
    }
    const route = routeOf(req.url ?? "");
    if ("status" in route) return refuse(req, res, route.status, route.error, lingerMs);
    const { root } = route;
    switch (req.method) {
      case "GET":
      case "HEAD":
        return void serveObject(store, root, req, res).catch((error) => failed(res, error, parameters.onError));
      case "PUT": {
        if (uploads >= maxConcurrentUploads) {
          res.setHeader("retry-after", "1");
          return refuse(req, res, 503, `${uploads} uploads are in progress: try again in a second`, lingerMs);
        }
        uploads++;
        return void receiveObject(req, res, root, { store, maxObjectBytes, uploadTimeoutMs, lingerMs })
          .catch((error) => failed(res, error, parameters.onError))
          .finally(() => uploads--);
      }
      case "OPTIONS":
        res.writeHead(204, {
          "access-control-allow-methods": "GET, HEAD, PUT",
          "access-control-allow-headers": "content-type",
          "access-control-max-age": "600",
        });
        return void res.end();
      default:
        res.setHeader("allow", "GET, HEAD, PUT, OPTIONS");
        return refuse(req, res, 405, `method ${String(req.method).slice(0, 20)} is not allowed: use GET, HEAD or PUT`, lingerMs);
    }
  };
}

/**
 * The root named by a request target, or why there is none. Only `/storage/0x<64 lowercase hex>` exactly: no query,
 * no trailing or doubled slash, no percent-encoding, no upper case (roots are written in lower case), so no target
 * can mean a different file than the one its root names.
 */
function routeOf(url: string): { root: Hex } | { status: 400 | 404; error: string } {
  if (!url.startsWith(`${STORAGE_PATH}/`)) {
    return { status: 404, error: `not found: objects are at ${STORAGE_PATH}/0x<64 hex digits>` };
  }
  const name = url.slice(STORAGE_PATH.length + 1);
  if (ROOT_PATTERN.test(name)) return { root: name as Hex };
  return {
    status: 400,
    error: `'${name.slice(0, 80)}' is not a storage root: use ${STORAGE_PATH}/0x followed by 64 lowercase hex digits, nothing else`,
  };
}

/** GET/HEAD: a LocalStore's file is streamed from one open handle (its size and bytes are of the same file). */
async function serveObject(store: ContentStore | LocalStore, root: Hex, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const etag = `"${root}"`;
  const headers = { "content-type": "application/octet-stream", "cache-control": IMMUTABLE, etag };
  if (req.headers["if-none-match"] === etag && (await store.has(root))) return void res.writeHead(304, headers).end();
  if (!("pathOf" in store)) {
    let bytes: Uint8Array;
    try {
      bytes = await store.get(root);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return notFound(res, root);
      throw error;
    }
    res.writeHead(200, { ...headers, "content-length": String(bytes.length) });
    return void res.end(req.method === "HEAD" ? undefined : bytes);
  }
  let file: FileHandle;
  try {
    file = await open(store.pathOf(root), "r");
  } catch (error) {
    if (isCode(error, "ENOENT")) return notFound(res, root);
    throw error;
  }
  try {
    const { size } = await file.stat();
    res.writeHead(200, { ...headers, "content-length": String(size) });
    if (req.method === "HEAD") return void res.end();
    // A client that goes away ends the pipeline with an error: nothing to answer then.
    await pipeline(file.createReadStream({ autoClose: false }), res).catch(() => res.destroy());
  } finally {
    await file.close();
  }
}

type ReceiveSettings = { store: ContentStore | LocalStore; maxObjectBytes: number; uploadTimeoutMs: number; lingerMs: number };

/** PUT: buffers the body up to the limit (refusing as soon as it is passed), checks its root, then stores it. */
async function receiveObject(req: IncomingMessage, res: ServerResponse, root: Hex, settings: ReceiveSettings): Promise<void> {
  const { store, maxObjectBytes, uploadTimeoutMs, lingerMs } = settings;
  const tooLarge = `the object is larger than this gateway's limit of ${maxObjectBytes} bytes`;
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxObjectBytes) return refuse(req, res, 413, tooLarge, lingerMs);

  // Resolves with the whole body, or undefined once the upload was refused or abandoned (nothing to store).
  const body = await new Promise<Uint8Array | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Uint8Array | undefined, refusal?: [408 | 413, string]) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("close", onClose);
      if (refusal) refuse(req, res, refusal[0], refusal[1], lingerMs);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxObjectBytes) return finish(undefined, [413, tooLarge]);
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onClose = () => finish(undefined); // closed before the end: the client went away, nobody to answer
    const timer = setTimeout(
      () => finish(undefined, [408, `the upload took longer than ${uploadTimeoutMs / 1000} s: send it faster or in smaller objects`]),
      uploadTimeoutMs,
    );
    req.on("data", onData).once("end", onEnd).once("close", onClose);
  });
  if (body === undefined) return;

  if (body.length === 0) return sendJson(res, 400, { error: "the body is empty: 0G storage has no root for 0 bytes" });
  const actual = merkleRoot(body);
  if (actual !== root) {
    return sendJson(res, 422, { error: `the body's 0G root is ${actual}, not ${root} as the URL claims: nothing was stored` });
  }
  const existed = await store.has(root);
  // A local store's file is written directly (atomically, where the store keeps it): its put would hash again.
  if (!existed) await ("pathOf" in store ? writeFileAtomic(store.pathOf(root), body) : store.put(body));
  res.setHeader("location", `${STORAGE_PATH}/${root}`);
  sendJson(res, existed ? 200 : 201, { root, size: body.length });
}

/**
 * Answers with an error and, if the request body is not fully read, stops reading it: the connection is closed
 * `lingerMs` later (or when the client closes it), so the client can read the answer before the close.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, lingerMs: number): void {
  const bodyLeft = !req.complete && (req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0);
  if (!bodyLeft) return sendJson(res, status, { error });
  req.pause(); // node then stops reading the socket once ~16 KiB are buffered
  // Lingering close, not "connection: close" (node would close at once): on a real network, closing with unread
  // body bytes makes the kernel send a reset that can destroy the answer before the client has read it.
  sendJson(res, status, { error });
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

function failed(res: ServerResponse, error: unknown, onError: ((error: unknown) => void) | undefined): void {
  onError?.(error);
  if (res.headersSent) return void res.destroy();
  sendJson(res, 500, { error: "the storage behind the gateway failed: see the gateway's log" });
}

function notFound(res: ServerResponse, root: Hex): void {
  sendJson(res, 404, { error: `no object ${root} in this storage gateway` });
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** A page served by this very server (http, or https behind a proxy) sends its own origin: always allowed. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/** Fixed-window counter per client address: undefined when allowed, else the seconds until the window ends. */
function rateLimiter({ requests, windowMs }: { requests: number; windowMs: number }): (client: string) => number | undefined {
  const windows = new Map<string, { start: number; count: number }>();
  return (client) => {
    const now = Date.now();
    if (windows.size > 10_000) for (const [key, w] of windows) if (now - w.start >= windowMs) windows.delete(key);
    let w = windows.get(client);
    if (!w || now - w.start >= windowMs) windows.set(client, (w = { start: now, count: 0 }));
    if (++w.count <= requests) return undefined;
    return Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
