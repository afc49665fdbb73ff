import type { Finding } from "../../report/report.js";
import {
  computeBudget,
  isOverCommitted,
  minimumLimitBytes,
  xgboostMaxHeapFraction,
  type BudgetInput,
} from "./budget.js";
import type { HeapSettings } from "./java_options.js";
import {
  datasetHeapFactor,
  datasetHeapFactorFloor,
  modelHeapFactorHigh,
  modelHeapFactorLow,
  type Plan,
} from "./plan.js";
import { MiB, formatBytes } from "./sizes.js";

/** The heap the JVM picks for itself on a small machine (~124.8 MiB); a useful floor. */
const usefulHeapFloorBytes = Math.floor((96 * MiB * 13) / 10);

/** Findings about the split itself; they need no running JVM or process. */
export function planFindings(plan: Plan): Finding[] {
  return [
    overCommitFinding(plan),
    ...plan.current.map((settings) => xgboostHeapFinding(plan, settings)),
    defaultHeapFinding(plan),
    modelFinding(plan),
    datasetFinding(plan),
    noLimitFinding(plan),
    hostMemoryFinding(plan),
    ...plan.current.map((settings) => currentHeapFinding(plan, settings)),
    estimatesFinding(plan),
  ].filter((finding): finding is Finding => finding !== undefined);
}

function limitQuantity(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.ceil(bytes / MiB)}Mi` : "(no limit fits)";
}

function raiseLimitFix(plan: Plan, heapNeededBytes: number): string {
  const limitBytes = minimumLimitBytes(plan.budgetInput, heapNeededBytes);
  return `set the container memory limit to at least ${limitQuantity(limitBytes)} (${formatBytes(limitBytes)})`;
}

/** The largest count of something (threads, workers) at which the budget still fits. */
function largestFitting(maximum: number, inputWith: (count: number) => BudgetInput): number {
  let best = 0;
  let low = 1;
  let high = maximum;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const budget = computeBudget(inputWith(middle));
    if (!isOverCommitted(budget) && budget.heap_bytes >= usefulHeapFloorBytes) {
      best = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

function overCommitFinding(plan: Plan): Finding | undefined {
  const { budget, budgetInput: input } = plan;
  if (!isOverCommitted(budget)) return undefined;
  const fixes = [raiseLimitFix(plan, usefulHeapFloorBytes)];
  const threads = largestFitting(input.threadCount - 1, (count) => ({
    ...input,
    threadCount: count,
  }));
  if (threads > 0) fixes.push(`or lower jvm_threads from ${input.threadCount} to ${threads}`);
  if (input.pythonWorkers > 1) {
    const workers = largestFitting(input.pythonWorkers - 1, (count) => ({
      ...input,
      pythonWorkers: count,
    }));
    if (workers > 0)
      fixes.push(`or run ${workers} Python workers instead of ${input.pythonWorkers}`);
  }
  return {
    code: "MEM001",
    severity: "critical",
    title: `Fixed regions need ${formatBytes(plan.limit.bytes - budget.calculator_heap_bytes)} of a ${formatBytes(plan.limit.bytes)} limit, leaving no heap`,
    detail:
      "Metaspace, code cache, thread stacks, direct memory, Python workers and headroom are " +
      "reserved before the heap; together they leave less than a usable heap, so the JVM " +
      "cannot be given an -Xmx that fits and the container will be OOM-killed under load.",
    evidence: {
      limit_bytes: plan.limit.bytes,
      over_commit_bytes: budget.over_commit_bytes,
      calculator_heap_bytes: budget.calculator_heap_bytes,
      metaspace_bytes: budget.metaspace_bytes,
      code_cache_bytes: budget.code_cache_bytes,
      thread_stacks_bytes: budget.thread_stacks_bytes,
      direct_memory_bytes: budget.direct_memory_bytes,
      python_workers_bytes: budget.python_workers_bytes,
      headroom_bytes: budget.headroom_bytes,
    },
    fix: `${fixes.join("; ")}.`,
  };
}

/** The heap a JVM with these settings would take in this container. */
export function effectiveHeapBytes(plan: Plan, settings: HeapSettings): number {
  if (settings.maxHeapBytes !== null) return settings.maxHeapBytes;
  if (settings.maxRamPercentage !== null) {
    return Math.floor((plan.limit.bytes * settings.maxRamPercentage) / 100);
  }
  return plan.defaultHeapBytes;
}

function xgboostHeapFinding(plan: Plan, settings: HeapSettings): Finding | undefined {
  if (plan.workload !== "h2o-training-xgboost") return undefined;
  const heapBytes = effectiveHeapBytes(plan, settings);
  const ceilingBytes = Math.floor(plan.limit.bytes * xgboostMaxHeapFraction);
  if (heapBytes <= ceilingBytes) return undefined;
  return {
    code: "MEM002",
    severity: "high",
    title: `Heap of ${formatBytes(heapBytes)} (${settings.source}) is above 2/3 of memory with XGBoost`,
    detail:
      "XGBoost allocates its matrices and boosters outside the Java heap. H2O's documentation " +
      "asks for at most 2/3 of the memory for H2O so XGBoost has the rest; above that, " +
      "training is OOM-killed or fails when the native allocation does not fit.",
    evidence: {
      source: settings.source,
      heap_bytes: heapBytes,
      max_heap_bytes_at_two_thirds: ceilingBytes,
      limit_bytes: plan.limit.bytes,
      heap_percent_of_limit: round1((heapBytes / plan.limit.bytes) * 100),
    },
    fix: plan.javaToolOptions,
  };
}

function defaultHeapFinding(plan: Plan): Finding | undefined {
  const budgetHeap = plan.budget.heap_bytes;
  const defaultHeap = plan.defaultHeapBytes;
  if (isOverCommitted(plan.budget)) return undefined;
  const onDefaults = plan.current.filter(
    (settings) => settings.maxHeapBytes === null && settings.maxRamPercentage === null,
  );
  if (plan.current.length > 0 && onDefaults.length === 0) return undefined;

  const known = onDefaults.length > 0;
  const sources = onDefaults.map((settings) => settings.source).join(", ");
  const evidence = {
    limit_bytes: plan.limit.bytes,
    jvm_default_heap_bytes: defaultHeap,
    budget_heap_bytes: budgetHeap,
    running_on_defaults: known ? sources : null,
  };
  if (defaultHeap > budgetHeap) {
    return {
      code: "MEM003",
      severity: known ? "high" : "info",
      title: `Without -Xmx the JVM would take ${formatBytes(defaultHeap)} of heap, more than the ${formatBytes(budgetHeap)} that fits`,
      detail:
        "The JVM sizes its default heap from the container limit (25%, or half on small " +
        "limits) without counting metaspace, code cache, thread stacks or other processes; " +
        "here that default plus the rest of the split exceeds the limit.",
      evidence,
      fix: plan.javaToolOptions,
    };
  }
  const idleBytes = budgetHeap - defaultHeap;
  const wasteShare = idleBytes / plan.limit.bytes;
  return {
    code: "MEM003",
    severity: known ? (wasteShare >= 0.1 ? "medium" : "low") : "info",
    title: `The JVM's default heap (${formatBytes(defaultHeap)}, 25% of the limit) leaves ${formatBytes(idleBytes)} unused`,
    detail:
      (known ? `${sources} runs without -Xmx or MaxRAMPercentage, so` : "Without -Xmx") +
      " the JVM takes MaxRAMPercentage=25 of the limit as heap; the rest of the split " +
      `allows ${formatBytes(budgetHeap)}, so ${round1(wasteShare * 100)}% of the container ` +
      "sits idle while the heap runs out sooner.",
    evidence: { ...evidence, idle_bytes: idleBytes },
    fix: plan.javaToolOptions,
  };
}

function modelFinding(plan: Plan): Finding | undefined {
  if (plan.modelBytes === null || isOverCommitted(plan.budget)) return undefined;
  const heapBytes = plan.budget.heap_bytes;
  const lowBytes = Math.ceil(plan.modelBytes * modelHeapFactorLow);
  const highBytes = Math.ceil(plan.modelBytes * modelHeapFactorHigh);
  if (heapBytes >= highBytes) return undefined;
  return {
    code: "MEM004",
    severity: heapBytes < lowBytes ? "high" : "medium",
    title: `Heap of ${formatBytes(heapBytes)} may not hold the models (${formatBytes(lowBytes)}-${formatBytes(highBytes)})`,
    detail:
      "A loaded MOJO keeps its trees and auxiliary arrays on the heap, measured at 1x to 2.2x " +
      "the zip size; scoring needs working space on top of that.",
    evidence: {
      model_bytes: plan.modelBytes,
      model_heap_low_bytes: lowBytes,
      model_heap_high_bytes: highBytes,
      heap_bytes: heapBytes,
    },
    fix: `${raiseLimitFix(plan, highBytes)}, or load fewer models per JVM.`,
  };
}

function datasetFinding(plan: Plan): Finding | undefined {
  if (plan.datasetBytes === null || isOverCommitted(plan.budget)) return undefined;
  const heapBytes = plan.budget.heap_bytes;
  const wantedBytes = plan.datasetBytes * datasetHeapFactor;
  if (heapBytes >= wantedBytes) return undefined;
  const floorBytes = plan.datasetBytes * datasetHeapFactorFloor;
  return {
    code: "MEM005",
    severity: heapBytes < floorBytes ? "high" : "medium",
    title: `Heap of ${formatBytes(heapBytes)} is below 4x the ${formatBytes(plan.datasetBytes)} of data`,
    detail:
      "H2O's documentation sizes the cluster at about four times the data (three at the " +
      "least): parsing, compressed frames and the model's working copies all live on the heap.",
    evidence: {
      dataset_bytes: plan.datasetBytes,
      heap_wanted_bytes: wantedBytes,
      heap_bytes: heapBytes,
      heap_to_data_ratio: round1(heapBytes / plan.datasetBytes),
    },
    fix: `${raiseLimitFix(plan, wantedBytes)}, or train on a sample of at most ${formatBytes(Math.floor(heapBytes / datasetHeapFactor))}.`,
  };
}

function noLimitFinding(plan: Plan): Finding | undefined {
  if (plan.limit.source !== "meminfo") return undefined;
  return {
    code: "MEM007",
    severity: "medium",
    title: `No container memory limit; split sized for the machine's ${formatBytes(plan.limit.bytes)}`,
    detail:
      `${plan.limit.unlimitedReason ?? "No cgroup limit"}, so the split uses MemTotal from ` +
      `${plan.limit.path}. Without a limit the JVM sizes itself from the whole machine and ` +
      "the container competes with its neighbours until the node's OOM killer picks one.",
    evidence: { memtotal_bytes: plan.limit.bytes, source: plan.limit.path },
    fix:
      "Set a memory limit on the container (Kubernetes: resources.limits.memory, e.g. 4Gi; " +
      "Docker: --memory 4g) and rerun with it, or pass memory_limit.",
  };
}

function hostMemoryFinding(plan: Plan): Finding | undefined {
  const hostBytes = plan.hostMemoryBytes;
  if (hostBytes === null || plan.limit.source === "meminfo" || plan.limit.bytes <= hostBytes) {
    return undefined;
  }
  return {
    code: "MEM008",
    severity: "high",
    title: `Limit of ${formatBytes(plan.limit.bytes)} is larger than this machine's ${formatBytes(hostBytes)}`,
    detail:
      "A heap sized from a limit the machine cannot back swaps or gets killed; H2O's " +
      "documentation says -Xmx must not exceed the physical memory.",
    evidence: { limit_bytes: plan.limit.bytes, memtotal_bytes: hostBytes },
    fix: `Lower memory_limit to at most ${limitQuantity(hostBytes)} or run on a node with more memory.`,
  };
}

function currentHeapFinding(plan: Plan, settings: HeapSettings): Finding | undefined {
  if (isOverCommitted(plan.budget) || settings.maxHeapBytes === null) return undefined;
  const heapBytes = settings.maxHeapBytes;
  const overBytes = heapBytes - plan.budget.heap_bytes;
  // The alignment remainder is not a real excess; one heap region of slack is allowed.
  if (overBytes <= 2 * MiB) return undefined;
  return {
    code: "MEM013",
    severity: "high",
    title: `Current -Xmx of ${formatBytes(heapBytes)} (${settings.source}) exceeds the ${formatBytes(plan.budget.heap_bytes)} that fits`,
    detail:
      "With this heap the JVM's non-heap regions and the other processes no longer fit in " +
      `the limit: a full heap pushes the container ${formatBytes(overBytes)} over its share ` +
      "and the kernel OOM-kills it.",
    evidence: {
      source: settings.source,
      current_heap_bytes: heapBytes,
      budget_heap_bytes: plan.budget.heap_bytes,
      over_bytes: overBytes,
    },
    fix: plan.javaToolOptions,
  };
}

function estimatesFinding(plan: Plan): Finding | undefined {
  const notes: string[] = [];
  const evidence: Finding["evidence"] = {};
  if (plan.loadedClasses.estimated) {
    notes.push(
      `loaded classes estimated at ${plan.loadedClasses.count} = ceil(0.35 x (42,215 JDK ` +
        `classes + ${plan.loadedClasses.appClasses} application classes))`,
    );
    evidence.loaded_classes = plan.loadedClasses.count;
    evidence.app_classes = plan.loadedClasses.appClasses;
  }
  if (plan.pythonRssEstimated) {
    notes.push(`Python worker RSS assumed at ${formatBytes(plan.budgetInput.pythonWorkerBytes)}`);
    evidence.python_worker_rss_bytes = plan.budgetInput.pythonWorkerBytes;
  }
  if (notes.length === 0) return undefined;
  return {
    code: "MEM014",
    severity: "info",
    title: "Part of the split rests on estimates",
    detail: `${notes.join("; ")}. Measured values make the split exact.`,
    evidence,
    fix:
      "Pass loaded_classes from `jcmd <pid> VM.classloader_stats` or `jstat -class <pid>` " +
      "on a warmed-up service, and python_worker_rss from a worker's RSS (or pass its pid).",
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
