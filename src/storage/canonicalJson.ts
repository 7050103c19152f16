import { StorageError } from "./errors.ts";

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort and RFC 8785 do), no
 * whitespace, bigint written as a decimal string ("123"), typed arrays written as arrays. Equal values give
 * equal bytes whatever their key order, so hashes of JSON documents (schemas, manifests) are stable.
 * Throws a StorageError for NaN/Infinity, undefined array items, functions, symbols and cycles, which JSON.stringify
 * would silently turn into null or drop. Object properties whose value is undefined are omitted (as in JSON).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null, 2n] }) // '{"a":[true,null,"2"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set(), "$");
}

function write(value: unknown, stack: Set<object>, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new StorageError(`canonicalJson: ${path} is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case "bigint":
      return `"${value.toString(10)}"`;
    case "object":
      break;
    default:
      throw new StorageError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot hold`);
  }
  const object = value as object;
  if (stack.has(object)) throw new StorageError(`canonicalJson: ${path} refers back to itself (a cycle)`);
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
    return write((object as { toJSON: () => unknown }).toJSON(), stack, path);
  }
  stack.add(object);
  try {
    if (Array.isArray(object) || (ArrayBuffer.isView(object) && !(object instanceof DataView))) {
      const items = Array.from(object as ArrayLike<unknown>, (item, i) => {
        if (item === undefined) throw new StorageError(`canonicalJson: ${path}[${i}] is undefined`);
        return write(item, stack, `${path}[${i}]`);
      });
      return `[${items.join(",")}]`;
    }
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, stack, `${path}.${key}`)}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    stack.delete(object);
  }
}

/** UTF-8 bytes of canonicalJson(value). */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
