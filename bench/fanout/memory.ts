/**
 * CPU and settled memory readings for the fan-out bench's server processes. One `process.memoryUsage()`
 * right after connecting thousands of sockets mixes in garbage not yet collected, a young
 * generation grown for the burst and pages the allocator has not handed back, so a single
 * before/after pair can even come out negative. A reading here waits for the event loop to go
 * quiet, collects garbage (full GCs, twice: weak callbacks free more on the second), and takes the
 * median of several such samples.
 */
const SAMPLES = 5;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Reading {
  rss: number;
  heapUsed: number;
  /** Memory of JS objects held outside the V8 heap (Buffers, ArrayBuffers: ws frames and socket buffers). */
  external: number;
}

/** CPU time this process has used, in µs (user + system): the bench divides its growth over the events by the deliveries. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export async function settledMemory(): Promise<Reading> {
  if (!globalThis.gc) throw new Error('the server process needs --expose-gc');
  const samples: Reading[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await pause(200);
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
    const { rss, heapUsed, external } = process.memoryUsage();
    samples.push({ rss, heapUsed, external });
  }
  const median = (key: keyof Reading) => samples.map((s) => s[key]).sort((a, b) => a - b)[SAMPLES >> 1]!;
  return { rss: median('rss'), heapUsed: median('heapUsed'), external: median('external') };
}
