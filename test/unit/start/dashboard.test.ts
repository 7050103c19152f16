// `npm start`'s dashboard server mounts the storage gateway at /storage (the e2e demo test checks it in a real run;
// this checks the routing and the environment settings without starting a chain).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { dashboardServer, gatewaySettings } from "../../../scripts/start/dashboard.ts";
import { localStore, storageGateway, storageGatewayHandler } from "../../../src/storage/index.ts";

const root = path.resolve(import.meta.dirname, "../../..");

describe("dashboard server", () => {
  let dir: string;
  let url: string;
  let close: () => Promise<void>;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "2pm-dashboard-"));
    const server = dashboardServer(root, () => 1, storageGatewayHandler({ store: localStore(dir) }));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((done) => server.close(() => done()));
  });
  after(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  test("serves the storage gateway at /storage next to the page", async () => {
    const store = storageGateway({ url });
    const bytes = new TextEncoder().encode('{"hello":"gateway"}');
    const stored = await store.put(bytes);
    assert.deepEqual(await localStore(dir).get(stored), bytes);
    assert.deepEqual(await store.get(stored), bytes);
    const notARoot = await fetch(`${url}/storage/nothing`);
    assert.equal(notARoot.status, 400);
    assert.match((await notARoot.json()).error, /is not a storage root/);
    assert.match(await (await fetch(`${url}/`)).text(), /<html/i);
  });
});

describe("gatewaySettings (TWOPM_GATEWAY_ORIGINS, TWOPM_GATEWAY_MAX_MIB)", () => {
  test("defaults: same origin only, the library's size limit", () => {
    assert.deepEqual(gatewaySettings({}), { allowedOrigins: [] });
  });

  test("origins and a size in MiB", () => {
    assert.deepEqual(gatewaySettings({ TWOPM_GATEWAY_ORIGINS: "http://localhost:5173, https://app.example", TWOPM_GATEWAY_MAX_MIB: "16" }), {
      allowedOrigins: ["http://localhost:5173", "https://app.example"],
      maxObjectBytes: 16 * 1024 * 1024,
    });
  });

  test("a value that is not an origin or not a size is one clear error", () => {
    assert.throws(() => gatewaySettings({ TWOPM_GATEWAY_ORIGINS: "https://app.example/" }), /^Error: TWOPM_GATEWAY_ORIGINS: 'https:\/\/app\.example\/' is not an origin: write scheme:\/\/host\[:port\], without a path or a trailing slash$/);
    assert.throws(() => gatewaySettings({ TWOPM_GATEWAY_ORIGINS: "*" }), /'\*' is not an origin/);
    assert.throws(() => gatewaySettings({ TWOPM_GATEWAY_MAX_MIB: "1.5" }), /^Error: TWOPM_GATEWAY_MAX_MIB must be a whole number of MiB from 1 to 4096, got '1\.5'$/);
    assert.throws(() => gatewaySettings({ TWOPM_GATEWAY_MAX_MIB: "0" }), /TWOPM_GATEWAY_MAX_MIB/);
  });
});
