// Internal: the container shared by .fhed (data), .fher (results) and evaluation key bundles.
//   magic[8] | u16 version | u32 header length H | header JSON (H bytes) | u64 offsets[n+1] | sha256[n+1] | blobs
// offsets[i] is the absolute start of blob i, offsets[n] the file length (so truncation is detected before any
// blob is parsed). All integers little-endian.
// Version 2 adds the SHA-256 table: digest 0 covers everything before the table (magic … offsets), digest i+1
// blob i. CKKS has no integrity of its own (a flipped bit decrypts to plausible wrong numbers), and the header is
// written before the blobs exist when streaming, so the digests get their own table, filled in at the end like the
// offsets: 32 bytes per ~100 KB ciphertext. Version 1 files (no table) are still read, without this check.
// Over 250 lines because writing (whole and streamed) and reading (whole and by blob) share one layout and its checks.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { writeAtomic } from "../storage/atomicWrite.ts";
import { FheFormatError } from "./errors.ts";

export const MAGIC = {
  data: "2PMFHED\0",
  result: "2PMFHER\0",
  evaluationKeys: "2PMFHEK\0",
  // Committee (threshold) mode, src/fhe/multiparty.
  committeeKeyShare: "2PMFHEP\0",
  committeeKeys: "2PMFHEC\0",
  decryptionShare: "2PMFHES\0",
  committeeMember: "2PMFHEM\0",
  // Encrypted sufficient statistics (one contribution or a sum of them), src/fhe/sufficientStats.
  statistics: "2PMFHET\0",
} as const;
export type ContainerKind = keyof typeof MAGIC;
const WHAT: Record<ContainerKind, string> = {
  data: "an encrypted data file (.fhed)",
  result: "an encrypted result file (.fher)",
  evaluationKeys: "an evaluation key bundle",
  committeeKeyShare: "a committee member's key share",
  committeeKeys: "a committee key file",
  decryptionShare: "a decryption share",
  committeeMember: "a committee member's secret state",
  statistics: "an encrypted statistics file",
};

export const CONTAINER_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
const FIXED = 14;
const DIGEST = 32;
const PART: Record<ContainerKind, string> = {
  data: "ciphertext",
  result: "ciphertext",
  evaluationKeys: "key part",
  committeeKeyShare: "key part",
  committeeKeys: "key part",
  decryptionShare: "share",
  committeeMember: "part",
  statistics: "ciphertext",
};
const MAX_HEADER = 64 * 1024 * 1024;

export type ParsedPrefix = {
  version: number;
  header: unknown;
  offsets: number[];
  /** SHA-256 of each blob (version 2; undefined for version 1 files). */
  digests?: Uint8Array[];
};

export type ParsedContainer = ParsedPrefix & {
  count: number;
  /** Blob i as a view into the container bytes. */
  blob(i: number): Uint8Array;
};

function fail(kind: ContainerKind, problem: string, details?: string): never {
  throw new FheFormatError(`Not a valid ${WHAT[kind].replace(/^an? /, "")}: ${problem}.`, { details });
}

function corrupt(kind: ContainerKind, what: string): never {
  const name = WHAT[kind].replace(/^an? /, "");
  throw new FheFormatError(
    `This ${name} is corrupt: ${what} does not match its SHA-256 checksum; fetch or copy it again.`,
  );
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash("sha256").update(bytes).digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Bytes per blob in the tables after the header: the u64 offset, and in version 2 its SHA-256. */
const entryBytes = (version: number): number => (version >= 2 ? 8 + DIGEST : 8);

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
  if (!READABLE_VERSIONS.includes(version)) {
    fail(
      kind,
      `format version ${version} is not supported (this library reads versions ${READABLE_VERSIONS.join(" and ")}); ` +
        "upgrade 2pm",
    );
  }
  const headerLength = view.getUint32(10, true);
  if (headerLength > MAX_HEADER) fail(kind, `header length ${headerLength} is implausible`);
  const tableStart = FIXED + headerLength;
  if (totalLength < tableStart + 8 || bytes.length < tableStart + 8) fail(kind, "the header is truncated");
  const first = readU64(view, tableStart, kind);
  const tableBytes = first - tableStart;
  const entry = entryBytes(version);
  if (tableBytes < entry || tableBytes % entry !== 0 || first > totalLength)
    fail(kind, "the offset table is corrupt or truncated");
  if (bytes.length < first) fail(kind, "the offset table is truncated");
  const entries = tableBytes / entry;
  const offsets: number[] = [];
  for (let i = 0; i < entries; i++) offsets.push(readU64(view, tableStart + 8 * i, kind));
  let digests: Uint8Array[] | undefined;
  if (version >= 2) {
    const digestStart = tableStart + 8 * entries;
    const digestAt = (i: number) => bytes.subarray(digestStart + DIGEST * i, digestStart + DIGEST * (i + 1));
    // Checked before the header is parsed: a flipped bit there is corruption, not a malformed header.
    if (!sameBytes(sha256(bytes.subarray(0, digestStart)), digestAt(0))) corrupt(kind, "its header");
    digests = Array.from({ length: entries - 1 }, (_, i) => digestAt(i + 1));
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(FIXED, tableStart)));
  } catch (error) {
    fail(kind, "the header is not valid JSON", String(error));
  }
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i] <= offsets[i - 1]) fail(kind, `the offset table is corrupt (entry ${i} does not increase)`);
  }
  const end = offsets[offsets.length - 1];
  if (end > totalLength) fail(kind, `it is truncated (${totalLength} of ${end} bytes)`);
  if (end < totalLength) fail(kind, `it has ${totalLength - end} unexpected trailing bytes`);
  return { version, header, offsets, digests };
}

/** Parses a whole container held in memory. */
export function parseContainer(bytes: Uint8Array, kind: ContainerKind): ParsedContainer {
  if (!(bytes instanceof Uint8Array)) fail(kind, "expected a Uint8Array");
  const prefix = parsePrefix(bytes, bytes.length, kind);
  const { offsets, digests } = prefix;
  const count = offsets.length - 1;
  // Every blob up front (SHA-256, ~400 MB/s here): corruption is reported as such before any work, never as a
  // wrong key or wrong numbers later.
  digests?.forEach((digest, i) => {
    if (!sameBytes(sha256(bytes.subarray(offsets[i], offsets[i + 1])), digest)) corrupt(kind, `${PART[kind]} ${i}`);
  });
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
  const bytes = new Uint8Array(tableStart + entryBytes(CONTAINER_VERSION) * (count + 1));
  bytes.set(new TextEncoder().encode(MAGIC[kind]), 0);
  const view = new DataView(bytes.buffer);
  view.setUint16(8, CONTAINER_VERSION, true);
  view.setUint32(10, json.length, true);
  bytes.set(json, FIXED);
  return { bytes, tableStart };
}

/**
 * Fills the offsets and digests into `prefix` (the encoded prefix, tables zeroed): the offsets first, since
 * digest 0 covers them.
 */
function fillTables(
  prefix: Uint8Array,
  tableStart: number,
  offsets: readonly number[],
  blobDigests: readonly Uint8Array[],
): void {
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  offsets.forEach((offset, i) => view.setBigUint64(tableStart + 8 * i, BigInt(offset), true));
  const digestStart = tableStart + 8 * offsets.length;
  prefix.set(sha256(prefix.subarray(0, digestStart)), digestStart);
  blobDigests.forEach((digest, i) => prefix.set(digest, digestStart + DIGEST * (i + 1)));
}

/** Builds a container in memory. */
export function buildContainer(kind: ContainerKind, header: unknown, blobs: readonly Uint8Array[]): Uint8Array {
  const { bytes: prefix, tableStart } = encodePrefix(kind, header, blobs.length);
  const offsets = [prefix.length];
  for (const blob of blobs) offsets.push(offsets[offsets.length - 1] + blob.length);
  fillTables(prefix, tableStart, offsets, blobs.map(sha256));
  const out = new Uint8Array(offsets[offsets.length - 1]);
  out.set(prefix);
  blobs.forEach((blob, i) => out.set(blob, offsets[i]));
  return out;
}

/**
 * Streams a container to `path` blob by blob (each blob is written as soon as it is produced; the offset and
 * digest tables are filled in at the end), atomically: temp file + fsync + rename. Returns the file size.
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
  const digests: Uint8Array[] = [];
  await writeAtomic(
    path,
    async (handle) => {
      await handle.write(prefix, 0, prefix.length, 0);
      for await (const blob of blobs) {
        if (offsets.length > count) throw new Error(`container: more than ${count} blobs produced`);
        const at = offsets[offsets.length - 1];
        await handle.write(blob, 0, blob.length, at);
        offsets.push(at + blob.length);
        digests.push(sha256(blob));
      }
      if (offsets.length !== count + 1) throw new Error(`container: ${offsets.length - 1} of ${count} blobs produced`);
      fillTables(prefix, tableStart, offsets, digests);
      await handle.write(prefix, tableStart, prefix.length - tableStart, tableStart);
    },
    mode,
  );
  return offsets[offsets.length - 1];
}
