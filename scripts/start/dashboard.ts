// The dashboard's HTTP server: serves dashboard/index.html and forwards /graphql (and /status) to the indexer, so
// the page needs no CORS.
import { createReadStream } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import path from "node:path";

export function dashboardServer(root: string, indexerPort: () => number): Server {
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
    if (req.url === "/" || req.url?.startsWith("/?") || req.url === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      createReadStream(page).pipe(res);
      return;
    }
    res.writeHead(404).end("not found");
  });
}
