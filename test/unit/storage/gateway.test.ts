// The storage gateway on a real HTTP server (127.0.0.1, free port) over a real local store: what it stores, what it
// refuses (wrong root, oversize — without reading on —, path tricks, foreign origins), and the fetch client.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import {
  localStore,
  merkleRoot,
  ObjectNotFoundError,
  RootMismatchError,
  StorageError,
  storageGateway,
  storageGatewayHandler,
  type LocalStore,
  type StorageGatewayHandlerParameters,
} from "../../../src/storage/index.ts";

const MiB = 1 << 20;

type Gateway = { url: string; store: LocalStore; sockets: Socket[]; requests: () => number; close: () => Promise<void> };

const open: Gateway[] = [];
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "2pm-gateway-"));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
  await rm(dir, { recursive: true, force: true });
});

/** The gateway on 127.0.0.1:<free port>, mounted like the dashboard server mounts it; keeps the server-side sockets. */
async function startGateway(options: Partial<StorageGatewayHandlerParameters> = {}, drop?: (request: number) => boolean): Promise<Gateway> {
  const store = localStore(join(dir, "store"));
  const handler = storageGatewayHandler({ store, ...options });
  const sockets: Socket[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (!sockets.includes(req.socket)) sockets.push(req.socket);
    if (drop?.(requests)) return void req.socket.destroy(); // a connection lost with the request unanswered
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const gateway: Gateway = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    sockets,
    requests: () => requests,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
  open.push(gateway);
  return gateway;
}

type RawResponse = { status: number; headers: IncomingMessage["headers"]; body: Buffer };

/** A request with its target sent exactly as written (fetch would normalize `..`, `//` and case). */
function raw(gateway: Gateway, method: string, path: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((done, fail) => {
    const { port } = new URL(gateway.url);
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end(body);
  });
}

/**
 * PUTs `size` bytes of 64 KiB chunks (with or without a Content-Length), writing on after the answer until the
 * server closes the connection or everything is written.
 */
function pushUpload(g: Gateway, size: number, declareLength: boolean): Promise<{ status?: number; body: string; written: number }> {
  const chunk = randomBytes(64 * 1024);
  const { port } = new URL(g.url);
  const headers = declareLength ? { "content-length": String(size) } : {};
  return new Promise((done) => {
    let written = 0;
    let status: number | undefined;
    let body = "";
    const req = request({ host: "127.0.0.1", port, method: "PUT", path: `/storage/${merkleRoot(chunk)}`, headers, agent: false }, (res) => {
      status = res.statusCode;
      res.on("data", (d: Buffer) => (body += d));
    });
    req.on("error", () => done({ status, body, written }));
    req.on("close", () => done({ status, body, written }));
    const pump = () => {
      while (written < size) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

const errorOf = (r: RawResponse) => (JSON.parse(r.body.toString()) as { error: string }).error;
const storedFiles = async (g: Gateway) => readdir(g.store.dir).catch(() => [] as string[]);

describe("storage gateway: PUT / GET / HEAD", () => {
  test("round trip: PUT stores under the root (201, then 200), GET and HEAD return it with immutable caching", async () => {
    const g = await startGateway();
    const bytes = randomBytes(300_000);
    const root = merkleRoot(bytes);
    const put = await fetch(`${g.url}/storage/${root}`, { method: "PUT", body: bytes });
    assert.equal(put.status, 201);
    assert.deepEqual(await put.json(), { root, size: bytes.length });
    assert.deepEqual(await readFile(g.store.pathOf(root)), bytes);

    const again = await fetch(`${g.url}/storage/${root}`, { method: "PUT", body: bytes });
    assert.equal(again.status, 200, "idempotent: already stored");
    assert.deepEqual(await again.json(), { root, size: bytes.length });

    const get = await fetch(`${g.url}/storage/${root}`);
    assert.equal(get.status, 200);
    assert.equal(get.headers.get("content-type"), "application/octet-stream");
    assert.equal(get.headers.get("content-length"), String(bytes.length));
    assert.equal(get.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(get.headers.get("etag"), `"${root}"`);
    assert.equal(get.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(Buffer.from(await get.arrayBuffer()), bytes);

    const head = await raw(g, "HEAD", `/storage/${root}`);
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(bytes.length));
    assert.equal(head.body.length, 0);

    const cached = await fetch(`${g.url}/storage/${root}`, { headers: { "if-none-match": `"${root}"` } });
    assert.equal(cached.status, 304);
    assert.deepEqual(await storedFiles(g), [root]);
  });

  test("GET and HEAD of a root that is not stored: 404 with a JSON error", async () => {
    const g = await startGateway();
    const root = merkleRoot(new TextEncoder().encode("never stored"));
    const get = await raw(g, "GET", `/storage/${root}`);
    assert.equal(get.status, 404);
    assert.equal(get.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(errorOf(get), `no object ${root} in this storage gateway`);
    assert.equal((await raw(g, "HEAD", `/storage/${root}`)).status, 404);
  });

  test("bytes that do not match the claimed root: 422 naming both roots, nothing stored", async () => {
    const g = await startGateway();
    const bytes = new TextEncoder().encode('{"rows":344}');
    const claimed = merkleRoot(new TextEncoder().encode('{"rows":345}'));
    const res = await raw(g, "PUT", `/storage/${claimed}`, bytes);
    assert.equal(res.status, 422);
    assert.equal(errorOf(res), `the body's 0G root is ${merkleRoot(bytes)}, not ${claimed} as the URL claims: nothing was stored`);
    assert.deepEqual(await storedFiles(g), []);
  });

  test("an empty body is refused (0G has no root for 0 bytes)", async () => {
    const g = await startGateway();
    const res = await raw(g, "PUT", `/storage/0x${"ab".repeat(32)}`, new Uint8Array(0));
    assert.equal(res.status, 400);
    assert.match(errorOf(res), /^the body is empty/);
  });

  test("concurrent PUTs of the same root all succeed and leave one whole object, no temporary file", async () => {
    const g = await startGateway();
    const bytes = randomBytes(MiB);
    const root = merkleRoot(bytes);
    const statuses = await Promise.all(Array.from({ length: 4 }, async () => (await fetch(`${g.url}/storage/${root}`, { method: "PUT", body: bytes })).status));
    assert.ok(statuses.every((s) => s === 200 || s === 201), `statuses ${statuses}`);
    assert.ok(statuses.includes(201));
    assert.deepEqual(await storedFiles(g), [root]);
    assert.deepEqual(await g.store.get(root), new Uint8Array(bytes));
  });
});

describe("storage gateway: limits", () => {
  test("a declared Content-Length over the limit gets 413 and the server reads no further", async () => {
    const g = await startGateway({ maxObjectBytes: MiB, lingerMs: 500 });
    const outcome = await pushUpload(g, 256 * MiB, true);
    assert.equal(outcome.status, 413);
    assert.equal(JSON.parse(outcome.body).error, `the object is larger than this gateway's limit of ${MiB} bytes`);
    const read = g.sockets[0]!.bytesRead;
    if (process.env.DEBUG_GATEWAY) console.log({ read, written: outcome.written });
    assert.ok(read < 512 * 1024, `the server read ${read} bytes of a ${outcome.written}-byte upload it had refused`);
    assert.deepEqual(await storedFiles(g), []);
  });

  test("a streamed body over the limit gets 413 and the server stops reading it (no unbounded buffering)", async () => {
    const g = await startGateway({ maxObjectBytes: MiB, lingerMs: 500 });
    // Chunked encoding (no Content-Length): the gateway only learns the size by reading.
    const outcome = await pushUpload(g, 256 * MiB, false);
    assert.equal(outcome.status, 413);
    assert.equal(JSON.parse(outcome.body).error, `the object is larger than this gateway's limit of ${MiB} bytes`);
    // The server read the limit plus at most a few buffers, however much the client pushed.
    const read = g.sockets[0]!.bytesRead;
    if (process.env.DEBUG_GATEWAY) console.log({ read, written: outcome.written });
    assert.ok(read < MiB + 512 * 1024, `the server read ${read} bytes of a ${outcome.written}-byte upload (limit ${MiB})`);
    assert.ok(outcome.written < 256 * MiB, "the connection was closed before the client could send everything");
    assert.deepEqual(await storedFiles(g), []);
  });

  test("a client that gets 413 through fetch sees the answer, not a connection error", async () => {
    const g = await startGateway({ maxObjectBytes: MiB });
    const bytes = randomBytes(4 * MiB);
    const res = await fetch(`${g.url}/storage/${merkleRoot(bytes)}`, { method: "PUT", body: bytes });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error, `the object is larger than this gateway's limit of ${MiB} bytes`);
  });

  test("an upload that does not finish in time gets 408 and stores nothing", async () => {
    const g = await startGateway({ uploadTimeoutMs: 300, lingerMs: 100 });
    const { port } = new URL(g.url);
    const status = await new Promise<number | undefined>((done) => {
      const req = request({ host: "127.0.0.1", port, method: "PUT", path: `/storage/0x${"cd".repeat(32)}`, headers: { "content-length": "1000" }, agent: false }, (res) => done(res.statusCode));
      req.on("error", () => done(undefined));
      req.write(randomBytes(10)); // and never the rest
    });
    assert.equal(status, 408);
    assert.deepEqual(await storedFiles(g), []);
  });

  test("more concurrent uploads than allowed get 503 with Retry-After; the running one completes", async () => {
    const g = await startGateway({ maxConcurrentUploads: 1 });
    const bytes = randomBytes(1000);
    const root = merkleRoot(bytes);
    const { port } = new URL(g.url);
    let firstStatus: (status: number) => void;
    const first = new Promise<number>((done) => (firstStatus = done));
    const slow = request({ host: "127.0.0.1", port, method: "PUT", path: `/storage/${root}`, headers: { "content-length": String(bytes.length) }, agent: false }, (res) => {
      res.resume();
      firstStatus(res.statusCode!);
    });
    slow.write(bytes.subarray(0, 10));
    await waitUntil(() => g.requests() === 1); // the first upload is in the gateway, waiting for its body
    const second = await raw(g, "PUT", `/storage/${root}`, bytes);
    assert.equal(second.status, 503);
    assert.equal(second.headers["retry-after"], "1");
    slow.end(bytes.subarray(10));
    assert.equal(await first, 201);
    assert.deepEqual(await storedFiles(g), [root]);
  });

  test("an upload abandoned by its client stores nothing and frees its slot", async () => {
    const g = await startGateway({ maxConcurrentUploads: 1 });
    const bytes = randomBytes(1000);
    const root = merkleRoot(bytes);
    const { port } = new URL(g.url);
    const abandoned = request({ host: "127.0.0.1", port, method: "PUT", path: `/storage/${root}`, headers: { "content-length": String(bytes.length) }, agent: false });
    abandoned.on("error", () => {});
    abandoned.write(bytes.subarray(0, 10));
    await waitUntil(() => g.requests() === 1);
    abandoned.destroy();
    // The slot is freed once the server has seen the close: retry while it answers 503 (bounded).
    let status = 503;
    for (let i = 0; status === 503 && i < 200; i++) status = (await raw(g, "PUT", `/storage/${root}`, bytes)).status;
    assert.equal(status, 201);
    assert.deepEqual(await storedFiles(g), [root]);
  });

  test("a refused request without a body keeps its connection usable", async () => {
    const g = await startGateway({ lingerMs: 50 });
    const bytes = randomBytes(1000);
    const root = merkleRoot(bytes);
    await g.store.put(bytes);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = (path: string) => new Promise<number>((done, fail) => {
        const { port } = new URL(g.url);
        request({ host: "127.0.0.1", port, path, agent }, (res) => {
          res.resume().on("end", () => done(res.statusCode!));
        }).on("error", fail).end();
      });
      assert.equal(await get("/storage/nothing"), 400);
      // Not a wait for readiness: the time a wrongly armed lingering close (50 ms) needs to cut the connection.
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(await get(`/storage/${root}`), 200);
      assert.equal(g.sockets.length, 1, "both requests used one connection");
    } finally {
      agent.destroy();
    }
  });

  test("more requests than the rate limit from one address get 429 with Retry-After", async () => {
    const g = await startGateway({ rateLimit: { requests: 3, windowMs: 60_000 } });
    const path = `/storage/0x${"ef".repeat(32)}`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(g, "GET", path)).status);
    assert.deepEqual(statuses, [404, 404, 404, 429]);
    const limited = await raw(g, "GET", path);
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
    assert.match(errorOf(limited), /^too many requests: try again in \d+ s$/);
  });
});

describe("storage gateway: paths and origins", () => {
  test("only /storage/0x<64 lowercase hex> names an object: path tricks get 400/404 and read or write nothing", async () => {
    const g = await startGateway({ rateLimit: false });
    const bytes = randomBytes(1000);
    const root = merkleRoot(bytes);
    await g.store.put(bytes);
    // A file outside the store that a path trick would reach.
    await writeFile(join(dirname(g.store.dir), "secret"), "secret");
    const hex = root.slice(2);
    const table: Array<[string, 400 | 404]> = [
      [`/storage/0X${hex}`, 400],
      [`/storage/0x${hex.toUpperCase()}`, 400],
      [`/storage/${root}/`, 400],
      [`/storage//${root}`, 400],
      [`/storage/${root}?download=1`, 400],
      [`/storage/${root}#x`, 400],
      [`/storage/${root}/..`, 400],
      [`/storage/../storage/${root}`, 400],
      [`/storage/..%2fsecret`, 400],
      [`/storage/..%2F..%2Fsecret`, 400],
      [`/storage/%2e%2e/secret`, 400],
      [`/storage/..`, 400],
      [`/storage/%30x${hex}`, 400],
      [`/storage/${root.slice(0, -1)}`, 400],
      [`/storage/${root}0`, 400],
      [`/storage/${root}%00`, 400],
      [`/storage/.${root}.0123456789ab.tmp`, 400],
      [`/storage/`, 400],
      [`/storage`, 404],
      [`/storage?root=${root}`, 404],
      [`/storagex/${root}`, 404],
      [`/Storage/${root}`, 404],
      [`//storage/${root}`, 404],
      [`/./storage/${root}`, 404],
      [`/%73torage/${root}`, 404],
      [`/secret`, 404],
    ];
    for (const [path, expected] of table) {
      const get = await raw(g, "GET", path);
      assert.equal(get.status, expected, `GET ${path}`);
      assert.equal(typeof errorOf(get), "string", `GET ${path}: a JSON error`);
      assert.notEqual(get.body.toString(), "secret", `GET ${path} leaked the file`);
      const put = await raw(g, "PUT", path, bytes);
      assert.equal(put.status, expected, `PUT ${path}`);
    }
    assert.deepEqual(await storedFiles(g), [root], "nothing else was written");
    assert.equal(await readFile(join(dirname(g.store.dir), "secret"), "utf8"), "secret");
  });

  test("other methods get 405 with Allow", async () => {
    const g = await startGateway();
    const res = await raw(g, "DELETE", `/storage/0x${"12".repeat(32)}`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, "GET, HEAD, PUT, OPTIONS");
  });

  test("CORS: same origin and configured origins are served, any other Origin gets 403 and stores nothing", async () => {
    const app = "https://app.example";
    const g = await startGateway({ allowedOrigins: [app] });
    const bytes = randomBytes(500);
    const path = `/storage/${merkleRoot(bytes)}`;

    const preflight = await raw(g, "OPTIONS", path, undefined, { origin: app, "access-control-request-method": "PUT" });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers["access-control-allow-origin"], app);
    assert.equal(preflight.headers["access-control-allow-methods"], "GET, HEAD, PUT");
    assert.equal(preflight.headers.vary, "Origin");

    const evil = await raw(g, "PUT", path, bytes, { origin: "https://evil.example" });
    assert.equal(evil.status, 403);
    assert.equal(errorOf(evil), "origin https://evil.example may not use this storage gateway");
    assert.equal((await raw(g, "OPTIONS", path, undefined, { origin: "https://evil.example" })).status, 403);
    assert.deepEqual(await storedFiles(g), []);

    const same = await raw(g, "PUT", path, bytes, { origin: g.url });
    assert.equal(same.status, 201);
    const fromApp = await raw(g, "GET", path, undefined, { origin: app });
    assert.equal(fromApp.status, 200);
    assert.equal(fromApp.headers["access-control-allow-origin"], app);
    assert.equal((await raw(g, "GET", path)).headers["access-control-allow-origin"], undefined, "no CORS header without an Origin");
  });
});

describe("storageGateway (the fetch client)", () => {
  test("put / get / has round trip through the gateway into the local store", async () => {
    const g = await startGateway();
    const client = storageGateway({ url: `${g.url}/` });
    const bytes = new Uint8Array(randomBytes(700_000));
    const root = await client.put(bytes);
    assert.equal(root, merkleRoot(bytes));
    assert.deepEqual(await g.store.get(root), bytes);
    assert.deepEqual(await client.get(root), bytes);
    assert.equal(await client.has(root), true);
    assert.equal(await client.put(bytes), root, "idempotent");
    const missing = merkleRoot(new TextEncoder().encode("missing"));
    assert.equal(await client.has(missing), false);
    await assert.rejects(client.get(missing), (e: unknown) => e instanceof ObjectNotFoundError && e.shortMessage.startsWith(`no object ${missing} at the storage gateway 127.0.0.1:`));
  });

  test("the client checks the root of what it gets: a gateway serving altered bytes is caught", async () => {
    const g = await startGateway();
    const client = storageGateway({ url: g.url });
    const root = await client.put(new TextEncoder().encode('{"accuracy":0.77}'));
    await writeFile(g.store.pathOf(root), '{"accuracy":0.99}'); // the gateway streams files without re-hashing
    await assert.rejects(client.get(root), (e: unknown) => e instanceof RootMismatchError && /returned bytes that are not 0x/.test(e.shortMessage));
  });

  test("refusals and an unreachable gateway are one-line StorageErrors", async () => {
    const g = await startGateway({ maxObjectBytes: 1000 });
    const client = storageGateway({ url: g.url });
    await assert.rejects(client.put(new Uint8Array(2000).fill(7)), (e: unknown) => {
      assert.ok(e instanceof StorageError);
      assert.match(e.shortMessage, /^the storage gateway at 127\.0\.0\.1:\d+ refused to store 0x[0-9a-f]{64} \(HTTP 413\): the object is larger than this gateway's limit of 1000 bytes$/);
      return true;
    });
    await assert.rejects(client.get("../secret" as `0x${string}`), /is not a storage root/);
    const url = g.url;
    await g.close();
    await assert.rejects(storageGateway({ url }).has(merkleRoot(new Uint8Array([1]))), (e: unknown) => e instanceof StorageError && e.shortMessage.startsWith("could not reach the storage gateway at 127.0.0.1:"));
  });

  test("a connection closed by the server as it is reused is retried once, on a new connection", async () => {
    // The second request (the first on a reused connection) is dropped, as when the server's keep-alive timeout
    // closes the connection as the client sends on it.
    const g = await startGateway({}, (request) => request === 2);
    const client = storageGateway({ url: g.url });
    const root = await client.put(new TextEncoder().encode("kept alive"));
    assert.deepEqual(new TextDecoder().decode(await client.get(root)), "kept alive");
    assert.equal(g.requests(), 3);
    assert.equal(g.sockets.length, 2);
  });

  test("the client module imports no Node built-in, directly or through its imports (it must load in a browser)", async () => {
    const storage = resolve(import.meta.dirname, "../../../src/storage");
    const client = await nodeImports(join(storage, "storageGateway.ts"));
    assert.deepEqual(client.offending, []);
    assert.ok(client.files.length >= 5, `followed ${client.files.join(", ")}`);
    // The scan sees what it checks: the server module imports Node built-ins (node:http only as types).
    const server = (await nodeImports(join(storage, "gateway.ts"))).offending;
    assert.ok(server.includes("gateway.ts imports node:fs/promises") && !server.includes("gateway.ts imports node:http"), server.join(", "));
    assert.deepEqual((await nodeImports(join(storage, "index.ts"))).offending.includes("merkleRootOfFile.ts imports node:fs/promises"), true);
  });
});

/** The Node built-ins imported (not type-only) by `entry` and the files it imports, followed recursively. */
async function nodeImports(entry: string): Promise<{ files: string[]; offending: string[] }> {
  const files: string[] = [];
  const offending: string[] = [];
  const visit = async (file: string): Promise<void> => {
    if (files.includes(file)) return;
    files.push(file);
    const code = await readFile(file, "utf8");
    // Static imports and re-exports (skipping `import type`), side-effect and dynamic imports.
    const specs = [...code.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^;"']*?\bfrom\s*)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2]!);
    for (const spec of specs) {
      if (spec.startsWith("node:") || builtinModules.includes(spec)) offending.push(`${relative(dirname(entry), file)} imports ${spec}`);
      else if (spec.startsWith(".")) await visit(resolve(dirname(file), spec));
    }
  };
  await visit(entry);
  return { files, offending };
}

/** Polls a condition of this process (no timers to wait out: each turn yields to the event loop). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 100_000) throw new Error("condition never met");
    await new Promise((r) => setImmediate(r));
  }
}
