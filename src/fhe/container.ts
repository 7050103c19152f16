// Internal: the container shared by .fhed (data), .fher (results) and evaluation key bundles.
//   magic[8] | u16 version | u32 header length H | header JSON (H bytes) | u64 offsets[n+1] | blobs
// offsets[i] is the absolute start of blob i, offsets[n] the file length (so truncation is detected before any
// blob is parsed). All integers little-endian.
import { open } from "node:fs/promises";
import { writeAtomic } from "../storage/atomicWrite.ts";
import { FheFormatError } from "./errors.ts";

export const MAGIC = {
  data: "2PMFHED\0",
  result: "2PMFHER\0",
  evaluationKeys: "2PMFHEK\0",
} as const;
export type ContainerKind = keyof typeof MAGIC;
const WHAT: Record<ContainerKind, string> = {
  data: "an encrypted data file (.fhed)",
  result: "an encrypted result file (.fher)",
  evaluationKeys: "an evaluation key bundle",
};

export const CONTAINER_VERSION = 1;
const FIXED = 14;
const MAX_HEADER = 64 * 1024 * 1024;

export type ParsedPrefix = { version: number; header: unknown; offsets: number[] };

export type ParsedContainer = ParsedPrefix & {
  count: number;
  /** Blob i as a view into the container bytes. */
  blob(i: number): Uint8Array;
};

function fail(kind: ContainerKind, problem: string, details?: string): never {
  throw new FheFormatError(`Not a valid ${WHAT[kind].replace(/^an? /, "")}: ${problem}.`, { details });
}

function kindOfMagic(bytes: Uint8Array): ContainerKind | undefined {
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 8));
  return (Object.keys(MAGIC) as ContainerKind[]).find((k) => MAGIC[k] === text);
}

/** Bytes of the fixed part + header + offset table, once the first offset is known (else undefined). */
export function prefixLength(bytes: Uint8Array, kind: ContainerKind): number | undefined {
  if (bytes.length < FIXED) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(10, true);
  if (bytes.length < FIXED + headerLength + 8) return FIXED + headerLength + 8;
  const first = readU64(view, FIXED + headerLength, kind);
  return first;
}

function readU64(view: DataView, at: number, kind: ContainerKind): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(kind, "an offset is out of range");
  return Number(value);
}

/**
 * Parses and validates the fixed part, the header JSON and the offset table. `bytes` holds at least that prefix;
 * `totalLength` is the length of the whole container.
 */
export function parsePrefix(bytes: Uint8Array, totalLength: number, kind: ContainerKind): ParsedPrefix {
  if (bytes.length < FIXED) fail(kind, `it is only ${bytes.length} bytes long (truncated)`);
  const found = kindOfMagic(bytes);
  if (found !== kind) {
    fail(kind, found ? `this is ${WHAT[found]}` : "wrong magic bytes (not a 2PM FHE file)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version !== CONTAINER_VERSION) {
    fail(
      kind,
      `format version ${version} is not supported (this library reads version ${CONTAINER_VERSION}); upgrade 2pm`,
    );
  }
  const headerLength = view.getUint32(10, true);
  if (headerLength > MAX_HEADER) fail(kind, `header length ${headerLength} is implausible`);
  const tableStart = FIXED + headerLength;
  if (totalLength < tableStart + 8 || bytes.length < tableStart + 8) fail(kind, "the header is truncated");
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(FIXED, tableStart)));
  } catch (error) {
    fail(kind, "the header is not valid JSON", String(error));
  }
  const first = readU64(view, tableStart, kind);
  const tableBytes = first - tableStart;
  if (tableBytes < 8 || tableBytes % 8 !== 0 || first > totalLength)
    fail(kind, "the offset table is corrupt or truncated");
  if (bytes.length < first) fail(kind, "the offset table is truncated");
  const offsets: number[] = [];
  for (let at = tableStart; at < first; at += 8) offsets.push(readU64(view, at, kind));
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i] <= offsets[i - 1]) fail(kind, `the offset table is corrupt (entry ${i} does not increase)`);
  }
  const end = offsets[offsets.length - 1];
  if (end > totalLength) fail(kind, `it is truncated (${totalLength} of ${end} bytes)`);
  if (end < totalLength) fail(kind, `it has ${totalLength - end} unexpected trailing bytes`);
  return { version, header, offsets };
}

/** Parses a whole container held in memory. */
export function parseContainer(bytes: Uint8Array, kind: ContainerKind): ParsedContainer {
  if (!(bytes instanceof Uint8Array)) fail(kind, "expected a Uint8Array");
  const prefix = parsePrefix(bytes, bytes.length, kind);
  const { offsets } = prefix;
  const count = offsets.length - 1;
  return {
    ...prefix,
    count,
    blob(i: number): Uint8Array {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`blob ${i} of ${count}`);
      return bytes.subarray(offsets[i], offsets[i + 1]);
    },
  };
}

/** Reads and validates only the prefix (header + offset table) of a container file. */
export async function readPrefixFromFile(path: string, kind: ContainerKind): Promise<ParsedPrefix> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    let buffer = new Uint8Array(0);
    for (;;) {
      const need = prefixLength(buffer, kind) ?? FIXED;
      if (need <= buffer.length || need > size || buffer.length >= size) break;
      const next = new Uint8Array(need);
      next.set(buffer);
      await handle.read(next, buffer.length, need - buffer.length, buffer.length);
      buffer = next;
    }
    return parsePrefix(buffer, size, kind);
  } finally {
    await handle.close();
  }
}

function encodePrefix(kind: ContainerKind, header: unknown, count: number): { bytes: Uint8Array; tableStart: number } {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const tableStart = FIXED + json.length;
  const bytes = new Uint8Array(tableStart + 8 * (count + 1));
  bytes.set(new TextEncoder().encode(MAGIC[kind]), 0);
  const view = new DataView(bytes.buffer);
  view.setUint16(8, CONTAINER_VERSION, true);
  view.setUint32(10, json.length, true);
  bytes.set(json, FIXED);
  return { bytes, tableStart };
}

function writeTable(view: DataView, tableStart: number, offsets: readonly number[]): void {
  offsets.forEach((offset, i) => view.setBigUint64(tableStart + 8 * i, BigInt(offset), true));
}

/** Builds a container in memory. */
export function buildContainer(kind: ContainerKind, header: unknown, blobs: readonly Uint8Array[]): Uint8Array {
  const { bytes: prefix, tableStart } = encodePrefix(kind, header, blobs.length);
  const offsets = [prefix.length];
  for (const blob of blobs) offsets.push(offsets[offsets.length - 1] + blob.length);
  const out = new Uint8Array(offsets[offsets.length - 1]);
  out.set(prefix);
  writeTable(new DataView(out.buffer), tableStart, offsets);
  blobs.forEach((blob, i) => out.set(blob, offsets[i]));
  return out;
}

/**
 * Streams a container to `path` blob by blob (each blob is written as soon as it is produced; the offset table is
 * filled in at the end), atomically: temp file + fsync + rename. Returns the file size.
 */
export async function writeContainerFile(
  path: string,
  kind: ContainerKind,
  header: unknown,
  count: number,
  blobs: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  mode = 0o644,
): Promise<number> {
  const { bytes: prefix, tableStart } = encodePrefix(kind, header, count);
  const offsets = [prefix.length];
  await writeAtomic(
    path,
    async (handle) => {
      await handle.write(prefix, 0, prefix.length, 0);
      for await (const blob of blobs) {
        if (offsets.length > count) throw new Error(`container: more than ${count} blobs produced`);
        const at = offsets[offsets.length - 1];
        await handle.write(blob, 0, blob.length, at);
        offsets.push(at + blob.length);
      }
      if (offsets.length !== count + 1) throw new Error(`container: ${offsets.length - 1} of ${count} blobs produced`);
      const table = new Uint8Array(8 * (count + 1));
      writeTable(new DataView(table.buffer), 0, offsets);
      await handle.write(table, 0, table.length, tableStart);
    },
    mode,
  );
  return offsets[offsets.length - 1];
}
