import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { MojoModel, MojoSource } from "../../mojo/types.js";
import { loadMojoFromSource } from "../../mojo/load.js";
import type { Finding } from "../../report/report.js";
import { codes } from "./codes.js";
import type { ValidateMojoDetails } from "./schema.js";

export type Latency = NonNullable<ValidateMojoDetails["latency"]>;

/**
 * Rows scored between yields to the event loop. Scoring is synchronous, so without a yield a
 * cancel, a Ctrl-C or the tool's own timeout could not land until the whole pass finished.
 */
const YIELD_EVERY = 512;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Times one `score` call per row, after scoring `warmupRows` untimed so V8 has optimised the
 * scorer. Per-row times include about 50 ns of timer overhead; the throughput figure comes
 * from a separate untimed pass over the same rows.
 */
export async function measureLatency(
  model: MojoModel,
  sample: { rows: Float64Array[]; kind: "rows" | "synthetic" },
  options: { timedRows: number; warmupRows: number; budgetMs: number; signal: AbortSignal },
): Promise<Latency> {
  const preds = new Float64Array(model.predsSize);
  const rows = sample.rows;
  const scoreRow = (index: number) => {
    preds.fill(0);
    model.score(rows[index % rows.length]!, preds, 0);
  };

  for (let index = 0; index < options.warmupRows; index++) {
    if (index % YIELD_EVERY === 0) await pause(options.signal);
    scoreRow(index);
  }

  const durationsNs = new Float64Array(options.timedRows);
  for (let index = 0; index < options.timedRows; index++) {
    if (index % YIELD_EVERY === 0) await pause(options.signal);
    const started = process.hrtime.bigint();
    scoreRow(index);
    durationsNs[index] = Number(process.hrtime.bigint() - started);
  }

  // Throughput over untimed stretches between yields, so the pauses are not counted.
  let elapsedNs = 0;
  for (let from = 0; from < options.timedRows; from += YIELD_EVERY) {
    await pause(options.signal);
    const until = Math.min(options.timedRows, from + YIELD_EVERY);
    const started = process.hrtime.bigint();
    for (let index = from; index < until; index++) scoreRow(index);
    elapsedNs += Number(process.hrtime.bigint() - started);
  }

  durationsNs.sort();
  const percentileUs = (share: number) => {
    const at = Math.min(durationsNs.length - 1, Math.ceil(share * durationsNs.length) - 1);
    return round(durationsNs[Math.max(0, at)]! / 1000);
  };
  return {
    sample: sample.kind,
    timed_rows: options.timedRows,
    warmup_rows: options.warmupRows,
    p50_us: percentileUs(0.5),
    p99_us: percentileUs(0.99),
    max_us: round(durationsNs[durationsNs.length - 1]! / 1000),
    rows_per_second: Math.round(options.timedRows / (elapsedNs / 1e9)),
    budget_ms: options.budgetMs,
  };
}

async function pause(signal: AbortSignal): Promise<void> {
  await yieldToEventLoop();
  signal.throwIfAborted();
}

/**
 * Rows to time when no CSV is given: categorical levels drawn from the domain, numbers spread
 * over several magnitudes, 5% missing. Deterministic, so runs compare.
 */
export function syntheticRows(model: MojoModel, count: number): Float64Array[] {
  let state = 0x9e3779b9;
  const random = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 0x1_0000_0000;
  };
  const { nFeatures, domains } = model.meta;
  return Array.from({ length: count }, () => {
    const row = new Float64Array(nFeatures);
    for (let column = 0; column < nFeatures; column++) {
      const levels = domains[column]?.length ?? 0;
      if (random() < 0.05) row[column] = NaN;
      else if (levels > 0) row[column] = Math.floor(random() * levels);
      else row[column] = (random() * 2 - 1) * 10 ** Math.floor(random() * 4);
    }
    return row;
  });
}

export function latencyFindings(latency: Latency, algo: string): Finding[] {
  if (latency.p99_us <= latency.budget_ms * 1000) return [];
  return [
    {
      code: codes.slowScoring,
      severity: latency.p99_us > 50_000 ? "high" : "medium",
      title:
        `Scoring alone takes ${latency.p99_us} µs at p99, ` +
        `over its ${latency.budget_ms} ms share`,
      detail:
        `The 100 ms objective has to cover the feature fetch, the cache and the network too; ` +
        `scoring one row with this ${algo} model already uses ${latency.p99_us} µs at p99 ` +
        `(p50 ${latency.p50_us} µs, ${latency.rows_per_second} rows/s single-threaded).`,
      evidence: {
        p50_us: latency.p50_us,
        p99_us: latency.p99_us,
        budget_ms: latency.budget_ms,
        rows_per_second: latency.rows_per_second,
      },
      fix:
        "Shrink the model: fewer trees (ntrees with early stopping: stopping_rounds=3), " +
        "shallower trees (max_depth 6-8), or a smaller AutoML leader; then re-run this check.",
    },
  ];
}

let forcedGc: (() => void) | null | undefined;

/** A callable gc(), enabled at run time; null if V8 refuses, so memory is reported as unknown. */
function gcFunction(): (() => void) | null {
  if (forcedGc !== undefined) return forcedGc;
  try {
    setFlagsFromString("--expose-gc");
    forcedGc = runInNewContext("gc") as () => void;
  } catch {
    forcedGc = null;
  }
  return forcedGc;
}

/**
 * Heap and array-buffer growth from loading the model once more, between forced
 * collections. Null when a collection cannot be forced (the number would be noise).
 */
export function measureHeapDelta(source: MojoSource): number | null {
  const gc = gcFunction();
  if (gc === null) return null;
  const used = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  // One untimed load first, so code compiled on first use is not counted as model memory.
  loadMojoFromSource(source);
  gc();
  const before = used();
  const model = loadMojoFromSource(source);
  gc();
  const after = used();
  return model.predsSize > 0 ? Math.max(0, after - before) : null;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
