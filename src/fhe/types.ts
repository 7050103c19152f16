import type { Hex } from "viem";

/** Progress callback for long work: `done` of `total` units (ciphertexts) finished. */
export type OnProgress = (done: number, total: number) => void;

/** Key material in serialized SEAL form (zstd-compressed SEAL objects). */
export type FheKeys = {
  /** keccak256 of the serialized public key bytes. */
  keyId: Hex;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  relinKeys: Uint8Array;
  galoisKeys: Uint8Array;
};

/** What a compute node receives: everything needed to evaluate, nothing that decrypts. */
export type EvaluationKeys = {
  keyId: Hex;
  publicKey: Uint8Array;
  relinKeys: Uint8Array;
  galoisKeys: Uint8Array;
};

/** What decryption needs: the secret key and the id of the key pair it belongs to. */
export type SecretKeyMaterial = { keyId: Hex; secretKey: Uint8Array };

/** Names of the key files in a key directory. */
export type KeyPart = "public" | "secret" | "relin" | "galois";
