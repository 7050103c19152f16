// Internal: the ring facts committee functions need from a context.
import type { FheContext } from "../createFheContext.ts";
import { withScope } from "../seal.ts";

/** The primes of the key level (data primes + the special prime), as bigints, in SEAL's order. */
export function keyLevelPrimes(ctx: FheContext): bigint[] {
  return withScope((scope) => {
    const data = scope.add(ctx.context.keyContextData());
    const moduli = scope.add(scope.add(data.parms()).coeffModulus());
    const primes: bigint[] = [];
    for (let i = 0; i < moduli.size(); i++) primes.push(BigInt(scope.add(moduli.get(i)!).value()));
    return primes;
  });
}
