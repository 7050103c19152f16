// keccakF1600 (src/storage/keccakF1600.ts), the permutation under the 0G Merkle root, against @noble/hashes: the
// permutation itself on random states, the FIPS 202 test vector of the zero state, and a sponge built on it (the
// way merkleRoot absorbs chunks and pairs) against keccak_256 and sha3_256 on known vectors and random inputs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { keccakP, keccak_256, sha3_256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import { bytesToHex } from "viem";
import { keccakF1600 } from "../../../src/storage/keccakF1600.ts";

const RATE = 136; // bytes, for 256-bit output

/** A Keccak sponge on keccakF1600: `suffix` 0x01 is keccak256, 0x06 is SHA3-256. */
function sponge256(message: Uint8Array, suffix: 0x01 | 0x06): Uint8Array {
  const blocks = Math.floor(message.length / RATE) + 1;
  const padded = new Uint8Array(blocks * RATE);
  padded.set(message);
  padded[message.length] ^= suffix;
  padded[padded.length - 1] ^= 0x80;
  const state = new Int32Array(50);
  const stateBytes = new Uint8Array(state.buffer); // lanes little-endian, as on every platform Node runs on
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < RATE; i++) stateBytes[i] ^= padded[b * RATE + i];
    keccakF1600(state);
  }
  return stateBytes.slice(0, 32);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("keccakF1600", () => {
  test("equals @noble/hashes keccakP on random states", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 200, maxLength: 200 }), (bytes) => {
        const ours = new Int32Array(bytes.slice().buffer);
        const theirs = new Uint32Array(bytes.slice().buffer);
        keccakF1600(ours);
        keccakP(theirs, 24);
        assert.deepEqual(new Uint32Array(ours.buffer), theirs);
      }),
      { numRuns: 200 },
    );
  });

  test("maps the zero state to the FIPS 202 reference value (first lanes, twice)", () => {
    const state = new Int32Array(50);
    keccakF1600(state);
    const lane = (s: Int32Array, i: number) => ((BigInt(s[2 * i + 1] >>> 0) << 32n) | BigInt(s[2 * i] >>> 0)).toString(16).padStart(16, "0");
    assert.deepEqual([lane(state, 0), lane(state, 1), lane(state, 24)], ["f1258f7940e1dde7", "84d5ccf933c0478a", "eaf1ff7b5ceca249"]);
    keccakF1600(state);
    assert.equal(lane(state, 0), "2d5c954df96ecb3c");
  });

  test("as a sponge: keccak256 and SHA3-256 of the known vectors", () => {
    const vectors: [string, string, string][] = [
      ["", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"],
      ["abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", "0x3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"],
    ];
    for (const [message, keccak, sha3] of vectors) {
      assert.equal(bytesToHex(sponge256(utf8(message), 0x01)), keccak, `keccak256("${message}")`);
      assert.equal(bytesToHex(sponge256(utf8(message), 0x06)), sha3, `sha3_256("${message}")`);
    }
  });

  test("as a sponge: equals keccak_256 and sha3_256 on random inputs across block boundaries", () => {
    const lengths = [0, 1, 31, 32, 64, 135, 136, 137, 255, 256, 271, 272, 273, 1000];
    for (const length of lengths) {
      const message = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      assert.equal(bytesToHex(sponge256(message, 0x01)), bytesToHex(keccak_256(message)), `keccak256 of ${length} bytes`);
      assert.equal(bytesToHex(sponge256(message, 0x06)), bytesToHex(sha3_256(message)), `sha3_256 of ${length} bytes`);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (message) => {
        assert.equal(bytesToHex(sponge256(message, 0x01)), bytesToHex(keccak_256(message)));
      }),
      { numRuns: 200 },
    );
  });
});
