// Internal: headers of the committee files. Each is a 2PM FHE container (src/fhe/container.ts: magic, JSON
// header, offset + SHA-256 tables, blobs) with its own magic:
//   "2PMFHEP\0" a member's public key share   — blobs: public-key b, then one b per Galois key component
//   "2PMFHEC\0" the committee's collective keys — blobs: SEAL PublicKey, SEAL GaloisKeys (uncompressed)
//   "2PMFHES\0" a decryption share of a result  — blobs: one SEAL Plaintext per result ciphertext
//   "2PMFHEM\0" a member's secret state (0600)  — blob: the member's SEAL SecretKey
import type { Hex } from "viem";
import { z } from "zod/v4";
import { parseContainer } from "../container.ts";
import type { ContainerKind, ParsedContainer } from "../container.ts";
import { FheFormatError } from "../errors.ts";
import { paramsSchema } from "../fhedHeader.ts";
import type { FheParams } from "../params.ts";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x + 64 lowercase hex digits");
const index = z.number().int().min(0);

const keyShareSchema = z.object({
  kind: z.literal("committee-key-share"),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  committeeId: hex32,
  member: index,
  members: z.number().int().min(1),
  rotationSteps: z.array(z.number().int().positive()),
  /** SEAL's (Galois key index, decomposition part) of each Galois blob, in order. */
  galoisKeys: z.array(z.tuple([index, index])),
});

const committeeKeysSchema = z.object({
  kind: z.literal("committee-keys"),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  committeeId: hex32,
  members: z.number().int().min(1),
  keyId: hex32,
  memberKeyShares: z.array(hex32).min(1),
  parts: z.tuple([z.literal("public"), z.literal("galois")]),
});

const decryptionShareSchema = z.object({
  kind: z.literal("decryption-share"),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  committeeId: hex32,
  keyId: hex32,
  member: index,
  memberKeyShare: hex32,
  ciphertexts: z.array(hex32),
  /** σ of the smudging noise of each ciphertext's share (see params.ts). */
  smudgingSigmas: z.array(z.number().positive()),
});

const memberSchema = z.object({
  kind: z.literal("committee-member"),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  committeeId: hex32,
  member: index,
  members: z.number().int().min(1),
  keyShare: hex32,
  shared: z.array(hex32),
});

export type KeyShareHeader = z.infer<typeof keyShareSchema> & { params: FheParams; committeeId: Hex };
export type CommitteeKeysHeader = z.infer<typeof committeeKeysSchema> & {
  params: FheParams;
  committeeId: Hex;
  keyId: Hex;
  memberKeyShares: Hex[];
};
export type DecryptionShareHeader = z.infer<typeof decryptionShareSchema> & {
  params: FheParams;
  committeeId: Hex;
  keyId: Hex;
  memberKeyShare: Hex;
  ciphertexts: Hex[];
};
export type MemberHeader = z.infer<typeof memberSchema> & {
  params: FheParams;
  committeeId: Hex;
  keyShare: Hex;
  shared: Hex[];
};

const SCHEMAS = {
  committeeKeyShare: [keyShareSchema, "a committee member's key share"],
  committeeKeys: [committeeKeysSchema, "a committee key file"],
  decryptionShare: [decryptionShareSchema, "a decryption share"],
  committeeMember: [memberSchema, "a committee member's secret state"],
} as const;

type Headers = {
  committeeKeyShare: KeyShareHeader;
  committeeKeys: CommitteeKeysHeader;
  decryptionShare: DecryptionShareHeader;
  committeeMember: MemberHeader;
};

/** Parses a committee file of the given kind and validates its header. */
export function openCommitteeFile<K extends keyof Headers & ContainerKind>(
  bytes: Uint8Array,
  kind: K,
): { header: Headers[K]; container: ParsedContainer } {
  const container = parseContainer(bytes, kind);
  const [schema, what] = SCHEMAS[kind];
  const parsed = (schema as z.ZodType).safeParse(container.header);
  if (!parsed.success) {
    throw new FheFormatError(`Not a valid ${what}: its header is malformed.`, {
      details: z.prettifyError(parsed.error),
    });
  }
  return { header: parsed.data as Headers[K], container };
}

/** The SHA-256 of every blob of a parsed container, as 0x hex (from its digest table, or computed for v1 files). */
export function blobDigests(container: ParsedContainer): Hex[] {
  const digests = container.digests;
  if (!digests) throw new FheFormatError("This file has no checksums (format version 1); recompute it with this 2pm.");
  return digests.map((d) => `0x${Buffer.from(d).toString("hex")}` as Hex);
}
