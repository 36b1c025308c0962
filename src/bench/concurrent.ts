// Runs one operation many times on a fixed number of workers, bounded by an
// op count and a deadline, and sums it up as ops/s with latency percentiles.

export interface OpStats {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Ops that succeeded. */
  ops: number;
  /** Ops that failed, when failures are tolerated, and the first one's message. */
  errors: number;
  failures?: string;
  /** What else the figure should be read with (e.g. a tool that could not keep connections alive). */
  note?: string;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The q-quantile of sorted latencies (nearest rank); NaN when there are none. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** Stats of `latencies` (ms, unsorted, one per successful op) measured over `seconds`. */
export function summarize(latencies: Float64Array, seconds: number, errors: number): OpStats {
  const sorted = latencies.slice().sort();
  return { opsPerSec: sorted.length / seconds, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), ops: sorted.length, errors };
}

/**
 * Runs op(0), op(1)… on `concurrency` workers until `maxOps` are done or
 * `maxMs` has passed. The first failure stops the run, unless `tolerate`:
 * then failures are counted (ops/s counts successes only) and the run fails
 * only if nothing succeeded.
 */
export async function runConcurrent(
  concurrency: number,
  maxOps: number,
  maxMs: number,
  op: (i: number) => Promise<void>,
  tolerate = false,
): Promise<OpStats> {
  const latencies = new Float64Array(maxOps);
  const start = performance.now();
  const deadline = start + maxMs;
  let next = 0;
  let done = 0;
  let errors = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while ((tolerate || failure === undefined) && next < maxOps && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
        latencies[done++] = performance.now() - t0;
      } catch (error) {
        errors++;
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined && (!tolerate || done === 0)) throw failure;
  const stats = summarize(latencies.subarray(0, done), (performance.now() - start) / 1000, errors);
  if (failure !== undefined) stats.failures = `first: ${errorMessage(failure)}`;
  return stats;
}
