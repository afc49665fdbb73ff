import { GiB, MiB, alignDown, alignUp } from "./sizes.js";

export const workloads = [
  "h2o-training",
  "h2o-training-xgboost",
  "mojo-scoring",
  "fastapi-mojo-scoring",
] as const;
export type Workload = (typeof workloads)[number];

/** Paketo/Cloud Foundry memory calculator defaults. */
export const calculatorDefaults = {
  threadCount: 250,
  stackBytes: MiB,
  directMemoryBytes: 10 * MiB,
  codeCacheBytes: 240 * MiB,
  headroomPercent: 0,
} as const;

/** Metaspace per loaded class and fixed overhead, as the Paketo calculator sizes it. */
export const metaspaceBytesPerClass = 5_800;
export const metaspaceOverheadBytes = 14_000_000;
/** Classes a Java 9+ runtime brings, and the share of present classes that gets loaded. */
export const jdkClassCount = 42_215;
export const classLoadFactor = 0.35;

/** H2O's documentation: XGBoost needs memory outside the JVM, so the heap gets at most 2/3. */
export const xgboostMaxHeapFraction = 2 / 3;

export interface BudgetInput {
  limitBytes: number;
  workload: Workload;
  headroomPercent: number;
  threadCount: number;
  stackBytes: number;
  directMemoryBytes: number;
  codeCacheBytes: number;
  metaspaceBytes: number;
  pythonWorkers: number;
  pythonWorkerBytes: number;
}

export interface Budget {
  heap_bytes: number;
  metaspace_bytes: number;
  code_cache_bytes: number;
  thread_stacks_bytes: number;
  direct_memory_bytes: number;
  native_reserve_bytes: number;
  python_workers_bytes: number;
  headroom_bytes: number;
  /** Sum of every line above; equals the limit unless the fixed regions over-commit it. */
  total_bytes: number;
  /** What the calculator formula leaves for the heap before the XGBoost cap and alignment. */
  calculator_heap_bytes: number;
  /** Bytes by which the fixed regions exceed the limit; 0 when they fit. */
  over_commit_bytes: number;
}

export function metaspaceBytesFor(loadedClasses: number): number {
  return metaspaceBytesPerClass * loadedClasses + metaspaceOverheadBytes;
}

/** Cloud Foundry's estimate: 35% of the JDK's and the application's classes get loaded. */
export function estimateLoadedClasses(appClassCount: number): number {
  return Math.ceil(classLoadFactor * (jdkClassCount + appClassCount));
}

/**
 * The JVM rounds -Xmx up to its heap alignment: the G1 region size (heap/2048 clamped to
 * 1-32 MiB, rounded up to a power of two) and never less than the 2 MiB card-table constraint.
 * Flags we emit are rounded down to it, so the heap the JVM takes never exceeds its budget line.
 */
export function heapAlignmentBytes(heapBytes: number): number {
  const target = Math.min(Math.max(heapBytes / 2048, MiB), 32 * MiB);
  const region = 2 ** Math.ceil(Math.log2(target));
  return Math.max(region, 2 * MiB);
}

export function computeBudget(input: BudgetInput): Budget {
  const headroom = Math.floor((input.limitBytes * input.headroomPercent) / 100);
  const threadStacks = input.threadCount * input.stackBytes;
  const pythonWorkers = input.pythonWorkers * input.pythonWorkerBytes;
  const fixed =
    headroom +
    input.directMemoryBytes +
    input.metaspaceBytes +
    input.codeCacheBytes +
    threadStacks +
    pythonWorkers;
  const calculatorHeap = input.limitBytes - fixed;

  let heapCeiling = calculatorHeap;
  if (input.workload === "h2o-training-xgboost") {
    heapCeiling = Math.min(heapCeiling, Math.floor(input.limitBytes * xgboostMaxHeapFraction));
  }
  const heap = heapCeiling > 0 ? alignDown(heapCeiling, heapAlignmentBytes(heapCeiling)) : 0;
  const leftover = Math.max(calculatorHeap, 0) - heap;

  // The leftover (the XGBoost share and the alignment remainder) is memory the JVM must not
  // take: native memory for XGBoost, headroom otherwise.
  const xgboost = input.workload === "h2o-training-xgboost";
  const budget = {
    heap_bytes: heap,
    metaspace_bytes: input.metaspaceBytes,
    code_cache_bytes: input.codeCacheBytes,
    thread_stacks_bytes: threadStacks,
    direct_memory_bytes: input.directMemoryBytes,
    native_reserve_bytes: xgboost ? leftover : 0,
    python_workers_bytes: pythonWorkers,
    headroom_bytes: headroom + (xgboost ? 0 : leftover),
  };
  const total = Object.values(budget).reduce((sum, bytes) => sum + bytes, 0);
  return {
    ...budget,
    total_bytes: total,
    calculator_heap_bytes: calculatorHeap,
    over_commit_bytes: Math.max(0, total - input.limitBytes),
  };
}

/** A JVM's largest usable heap is at least a few MiB; below 2 MiB nothing runs. */
export const minimumHeapBytes = 2 * MiB;

export function isOverCommitted(budget: Budget): boolean {
  return budget.over_commit_bytes > 0 || budget.heap_bytes < minimumHeapBytes;
}

/**
 * The smallest limit, in whole MiB, at which the budget fits and the heap reaches
 * `heapNeededBytes`. The heap grows monotonically with the limit, so a bisection finds it.
 */
export function minimumLimitBytes(input: BudgetInput, heapNeededBytes: number): number {
  const fits = (limitBytes: number) => {
    const budget = computeBudget({ ...input, limitBytes });
    return !isOverCommitted(budget) && budget.heap_bytes >= heapNeededBytes;
  };
  let low = 0;
  let high = MiB;
  while (!fits(high)) {
    low = high;
    high *= 2;
    if (high > 2 ** 52) return Number.POSITIVE_INFINITY;
  }
  while (high - low > MiB) {
    const middle = alignDown((low + high) / 2, MiB);
    if (fits(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/** x64 HotSpot caps the memory it sizes the default heap from at MaxRAM, 128 GiB. */
export const jvmDefaultMaxRamBytes = 128 * GiB;
const defaultMaxHeapSizeBytes = alignDown(Math.floor((96 * MiB * 13) / 10), 8);

/**
 * The heap a JVM takes when no -Xmx is given (Arguments::set_heap_size): 25% of the memory it
 * sees, or 50% when that half is below the built-in ~124.8 MiB default, never less than that
 * default otherwise; then aligned up like any heap.
 */
export function jvmDefaultHeapBytes(limitBytes: number): number {
  const physical = Math.min(limitBytes, jvmDefaultMaxRamBytes);
  const maxRamShare = Math.floor((physical * 25) / 100);
  const minRamShare = Math.floor((physical * 50) / 100);
  const heap =
    minRamShare < defaultMaxHeapSizeBytes
      ? minRamShare
      : Math.max(maxRamShare, defaultMaxHeapSizeBytes);
  return alignUp(heap, heapAlignmentBytes(heap));
}
