// Ports of `npm start` (all on 127.0.0.1): a port given in the environment must be free; a default one may move to
// the next free port.
import type { Server } from "node:http";
import { createServer as createNetServer } from "node:net";

export type PortSetting = { port: number; explicit: boolean };

/** A port from the environment (explicit: must be free) or the default (may move to the next free port). */
export function portSetting(variable: string, fallback: number): PortSetting {
  const value = process.env[variable];
  if (value === undefined || value === "") return { port: fallback, explicit: false };
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${variable} must be a TCP port (1–65535), got '${value}'`);
  return { port, explicit: true };
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * Listens on 127.0.0.1:port; a default port in use moves to the next one, an explicit one is an error naming
 * `variable`. `onLaterError` hears of a failure after the server listens.
 */
export async function listenOnFreePort(server: Server, setting: PortSetting, what: string, variable: string, onLaterError: (err: Error) => void): Promise<number> {
  for (let port = setting.port; port < setting.port + 50; port++) {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) => resolve(err);
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(null);
      });
    });
    if (!error) {
      server.on("error", onLaterError);
      return port;
    }
    if (error.code !== "EADDRINUSE") throw new Error(`${what} cannot listen on 127.0.0.1:${port}: ${error.message}`);
    if (setting.explicit) throw new Error(`port ${port} (${variable}) is in use: free it or choose another`);
  }
  throw new Error(`no free port for ${what} in ${setting.port}–${setting.port + 49}`);
}
