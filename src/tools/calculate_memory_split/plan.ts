import {
  computeBudget,
  jvmDefaultHeapBytes,
  type Budget,
  type BudgetInput,
  type Workload,
} from "./budget.js";
import { javaToolOptionsLine, jvmFlags } from "./flags.js";
import type { HeapSettings } from "./java_options.js";
import type { DetectedLimit } from "./limit.js";
import { normalizeInput } from "./normalize.js";
import type { Input } from "./schema.js";

/** Everything the findings are judged from: the computed split and what it was computed from. */
export interface Plan {
  workload: Workload;
  limit: DetectedLimit;
  budgetInput: BudgetInput;
  budget: Budget;
  flags: string[];
  javaToolOptions: string;
  /** MaxRAMPercentage=25 ergonomics for the limit, as predicted. */
  defaultHeapBytes: number;
  loadedClasses: { count: number; estimated: boolean; appClasses: number | null };
  pythonRssEstimated: boolean;
  modelBytes: number | null;
  datasetBytes: number | null;
  /** The machine's MemTotal, to catch limits larger than the host. */
  hostMemoryBytes: number | null;
  /** Heap settings of the running service, from current_java_options and java pids. */
  current: HeapSettings[];
}

/** H2O's documentation: heap of about four (at least three) times the data. */
export const datasetHeapFactor = 4;
export const datasetHeapFactorFloor = 3;
/** Measured MOJO heap: about 1x to 2.2x the zip size. */
export const modelHeapFactorLow = 1;
export const modelHeapFactorHigh = 2.2;

/** Computes the split for validated input and the limit it applies to. */
export function buildPlan(
  input: Input,
  limit: DetectedLimit,
  hostMemoryBytes: number | null,
  current: HeapSettings[],
): Plan {
  const normalized = normalizeInput(input, limit);
  const budget = computeBudget(normalized.budgetInput);
  const flags = jvmFlags(budget, normalized.budgetInput);
  return {
    workload: input.workload,
    limit,
    budgetInput: normalized.budgetInput,
    budget,
    flags,
    javaToolOptions: javaToolOptionsLine(flags),
    defaultHeapBytes: jvmDefaultHeapBytes(limit.bytes),
    loadedClasses: normalized.loadedClasses,
    pythonRssEstimated: normalized.pythonRssEstimated,
    modelBytes: normalized.modelBytes,
    datasetBytes: normalized.datasetBytes,
    hostMemoryBytes,
    current,
  };
}
