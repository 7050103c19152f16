// A ContentStore on a storage gateway (gateway.ts) over fetch. No Node built-ins anywhere in its imports, so a
// browser page can use it; every read is checked against its root here too: the gateway need not be trusted.
import type { Hex } from "viem";
import { ObjectNotFoundError, RootMismatchError, StorageError } from "./errors.ts";
import { merkleRoot } from "./merkleRoot.ts";
import { assertRoot } from "./root.ts";
import type { ContentStore } from "./types.ts";

export type StorageGatewayParameters = {
  /** The server the gateway runs on, e.g. `http://127.0.0.1:3000` (objects are at `<url>/storage/<root>`); `""` in a page served by that server. */
  url: string;
  /** The fetch to use. Default globalThis.fetch. */
  fetch?: typeof fetch;
};

export type StorageGatewayStore = ContentStore & {
  readonly kind: "gateway";
  /** Host of the gateway (no credentials, no path), for messages. */
  readonly gatewayHost: string;
};

/**
 * A ContentStore whose objects live behind a storage gateway: `put` uploads with `PUT /storage/<root>` (the
 * gateway re-checks the root), `get` downloads and verifies the bytes against the root, `has` asks with HEAD.
 *
 * @example
 * const store = storageGateway({ url: "http://127.0.0.1:3000" })
 * const root = await store.put(ciphertext)
 * const same = await store.get(root) // throws RootMismatchError if the gateway returned other bytes
 */
export function storageGateway(parameters: StorageGatewayParameters): StorageGatewayStore {
  const base = parameters.url.replace(/\/+$/, "");
  const gatewayHost = hostOf(base);
  const fetchFn = parameters.fetch ?? globalThis.fetch.bind(globalThis);
  const objectUrl = (root: Hex) => `${base}/storage/${assertRoot(root)}`;

  // Tried twice: a kept-alive connection may be closed by the server just as it is reused (ECONNRESET), and every
  // request here is idempotent (objects are named by their content).
  async function call(what: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchFn(url, init);
    } catch {
      try {
        return await fetchFn(url, init);
      } catch (error) {
        throw new StorageError(`could not reach the storage gateway at ${gatewayHost} to ${what}: ${reason(error)}`, { cause: error });
      }
    }
  }

  async function refused(what: string, res: Response): Promise<StorageError> {
    const body = (await res.json().catch(() => undefined)) as { error?: unknown } | undefined;
    const why = typeof body?.error === "string" ? body.error : res.statusText || "no reason given";
    return new StorageError(`the storage gateway at ${gatewayHost} refused to ${what} (HTTP ${res.status}): ${why}`);
  }

  return {
    kind: "gateway",
    gatewayHost,
    async put(bytes) {
      const root = merkleRoot(bytes);
      const what = `store ${root}`;
      const res = await call(what, objectUrl(root), {
        method: "PUT",
        headers: { "content-type": "application/octet-stream" },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      if (!res.ok) throw await refused(what, res);
      const body = (await res.json().catch(() => undefined)) as { root?: unknown } | undefined;
      if (body?.root !== root) {
        throw new StorageError(`the storage gateway at ${gatewayHost} answered an upload of ${root} with another root: is it a 2PM storage gateway?`);
      }
      return root;
    },
    async get(root) {
      const what = `return ${root}`;
      const res = await call(what, objectUrl(root), { method: "GET" });
      if (res.status === 404) {
        await res.body?.cancel();
        throw new ObjectNotFoundError(`no object ${root} at the storage gateway ${gatewayHost}: upload it first, or fetch it from its owner`);
      }
      if (!res.ok) throw await refused(what, res);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const actual = bytes.length === 0 ? "(no bytes)" : merkleRoot(bytes);
      if (actual !== root) {
        throw new RootMismatchError(`the storage gateway at ${gatewayHost} returned bytes that are not ${root}: do not trust it`, {
          details: `the ${bytes.length} bytes it returned have root ${actual}`,
        });
      }
      return bytes;
    },
    async has(root) {
      const what = `say whether it holds ${root}`;
      const res = await call(what, objectUrl(root), { method: "HEAD" });
      if (res.status === 404) return false;
      if (!res.ok) throw await refused(what, res);
      return true;
    },
  };
}

/** The host of `url`, or "this page's origin" for a relative one (`""`). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "this page's origin";
  }
}

function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
