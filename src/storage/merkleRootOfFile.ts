// The 0G root of a file, streamed from disk (Node only; the pure hashing is in merkleRoot.ts).
import { open } from "node:fs/promises";
import type { Hex } from "viem";
import { StorageError } from "./errors.ts";
import {
  layout,
  NODE_WORDS,
  reduceTree,
  SEGMENT_MAX_CHUNKS,
  SEGMENT_SIZE,
  segmentRoot,
  toHex,
  type MerkleRootOptions,
} from "./merkleRoot.ts";

/**
 * The 0G storage Merkle root of the file at `path`, streamed one 256 KiB segment at a time (constant memory).
 * Same result as `merkleRoot(readFileSync(path))`.
 *
 * @example
 * const root = await merkleRootOfFile("data/penguins.fhed", { onProgress: (done, total) => bar.update(done / total) })
 */
export async function merkleRootOfFile(path: string, options: MerkleRootOptions = {}): Promise<Hex> {
  const file = await open(path, "r");
  try {
    const size = (await file.stat()).size;
    const { segments, chunks } = layout(size);
    const buffer = new Uint8Array(SEGMENT_SIZE);
    const leaves = new Int32Array(SEGMENT_MAX_CHUNKS * NODE_WORDS);
    const roots = new Int32Array(segments * NODE_WORDS);
    for (let s = 0; s < segments; s++) {
      const start = s * SEGMENT_SIZE;
      const want = Math.max(0, Math.min(SEGMENT_SIZE, size - start));
      let got = 0;
      while (got < want) {
        const { bytesRead } = await file.read(buffer, got, want - got, start + got);
        if (bytesRead === 0) {
          throw new StorageError(`${path} shrank while its Merkle root was computed: hash it again once it is stable`);
        }
        got += bytesRead;
      }
      const segChunks = Math.min(SEGMENT_MAX_CHUNKS, chunks - s * SEGMENT_MAX_CHUNKS);
      segmentRoot(buffer, 0, want, segChunks, leaves, roots, s);
      options.onProgress?.(start + want, size);
    }
    reduceTree(roots, segments);
    return toHex(roots);
  } finally {
    await file.close();
  }
}
