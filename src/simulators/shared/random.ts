/**
 * Deterministic randomness. Catalog entries are derived from (seed, index, salt) by hashing, so
 * offer 734 211 of a 1 000 000-offer catalog costs the same as offer 0 and nothing is generated
 * up front. Sequential streams (faults, drift) use a small seeded PRNG.
 */

/** 32-bit avalanche mix (murmur3 finalizer). */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 determined by its three inputs. */
export function hash32(seed: number, index: number, salt: number): number {
  return mix32(mix32(mix32(seed ^ 0x9e3779b9) ^ index) + Math.imul(salt, 0x27d4eb2d));
}

/** A float in [0, 1) determined by its three inputs. */
export function unit(seed: number, index: number, salt: number): number {
  return hash32(seed, index, salt) / 2 ** 32;
}

/** An integer in [min, max] determined by its inputs. */
export function intBetween(seed: number, index: number, salt: number, min: number, max: number): number {
  return min + Math.floor(unit(seed, index, salt) * (max - min + 1));
}

export function pick<T>(items: readonly T[], seed: number, index: number, salt: number): T {
  return items[hash32(seed, index, salt) % items.length] as T;
}

/** mulberry32: a seeded stream for things that happen in sequence. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability;
  }
}

/** A hex string derived from the seed: stable fake credentials per simulator seed. */
export function hexToken(seed: number, salt: number, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i += 1) out += hash32(seed, i, salt).toString(16).padStart(8, '0');
  return out.slice(0, length);
}
