// The dashboard's HTTP server: serves dashboard/index.html, forwards /graphql (and /status) to the indexer, so
// the page needs no CORS, and mounts the storage gateway at /storage (PUT/GET of objects by 0G root, for pages
// that upload from the browser).
import { createReadStream } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import path from "node:path";
import { STORAGE_PATH, type StorageGatewayHandler, type StorageGatewayHandlerParameters } from "../../src/storage/index.ts";

export function dashboardServer(root: string, indexerPort: () => number, storageGateway: StorageGatewayHandler): Server {
  const page = path.join(root, "dashboard/index.html");
  return createServer((req, res) => {
    if (req.url?.startsWith("/graphql") || req.url?.startsWith("/status")) {
      const upstream = httpRequest({ host: "127.0.0.1", port: indexerPort(), path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on("error", () => res.writeHead(502).end("indexer unavailable"));
      req.pipe(upstream);
      return;
    }
    // The gateway decides what under /storage names an object (anything else: a JSON 400/404).
    if (req.url?.startsWith(STORAGE_PATH)) return storageGateway(req, res);
    if (req.url === "/" || req.url?.startsWith("/?") || req.url === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      createReadStream(page).pipe(res);
      return;
    }
    res.writeHead(404).end("not found");
  });
}

/**
 * The storage gateway's settings from the environment: TWOPM_GATEWAY_ORIGINS (comma-separated origins allowed
 * besides the dashboard's own, e.g. `http://localhost:5173`) and TWOPM_GATEWAY_MAX_MIB (largest upload, MiB).
 */
export function gatewaySettings(env: NodeJS.ProcessEnv): Pick<StorageGatewayHandlerParameters, "allowedOrigins" | "maxObjectBytes"> {
  const allowedOrigins = (env.TWOPM_GATEWAY_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  for (const origin of allowedOrigins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (parsed?.origin !== origin) {
      throw new Error(`TWOPM_GATEWAY_ORIGINS: '${origin}' is not an origin: write scheme://host[:port], without a path or a trailing slash`);
    }
  }
  const mib = env.TWOPM_GATEWAY_MAX_MIB;
  if (mib === undefined || mib === "") return { allowedOrigins };
  if (!/^\d+$/.test(mib) || Number(mib) < 1 || Number(mib) > 4096) {
    throw new Error(`TWOPM_GATEWAY_MAX_MIB must be a whole number of MiB from 1 to 4096, got '${mib}'`);
  }
  return { allowedOrigins, maxObjectBytes: Number(mib) * 1024 * 1024 };
}
