import type { Finding } from "../../report/report.js";
import { computeBudget, isOverCommitted, minimumLimitBytes, type BudgetInput } from "./budget.js";
import { currentHeapFinding, defaultHeapFinding, xgboostHeapFinding } from "./heap_findings.js";
import {
  datasetHeapFactor,
  datasetHeapFactorFloor,
  modelHeapFactorHigh,
  modelHeapFactorLow,
  type Plan,
} from "./plan.js";
import { MiB, formatBytes, round1 } from "./sizes.js";

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

export function limitQuantity(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.ceil(bytes / MiB)}Mi` : "(no limit fits)";
}

function raiseLimitFix(plan: Plan, heapNeededBytes: number): string {
  const limitBytes = minimumLimitBytes(plan.budgetInput, heapNeededBytes);
  return (
    `set the container memory limit to at least ${limitQuantity(limitBytes)} ` +
    `(${formatBytes(limitBytes)})`
  );
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
    title:
      `Fixed regions need ${formatBytes(plan.limit.bytes - budget.calculator_heap_bytes)} ` +
      `of a ${formatBytes(plan.limit.bytes)} limit, leaving no heap`,
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

function modelFinding(plan: Plan): Finding | undefined {
  if (plan.modelBytes === null || isOverCommitted(plan.budget)) return undefined;
  const heapBytes = plan.budget.heap_bytes;
  const lowBytes = Math.ceil(plan.modelBytes * modelHeapFactorLow);
  const highBytes = Math.ceil(plan.modelBytes * modelHeapFactorHigh);
  if (heapBytes >= highBytes) return undefined;
  return {
    code: "MEM004",
    severity: heapBytes < lowBytes ? "high" : "medium",
    title:
      `Heap of ${formatBytes(heapBytes)} may not hold the models ` +
      `(${formatBytes(lowBytes)}-${formatBytes(highBytes)})`,
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
    title:
      `Heap of ${formatBytes(heapBytes)} is below 4x the ` +
      `${formatBytes(plan.datasetBytes)} of data`,
    detail:
      "H2O's documentation sizes the cluster at about four times the data (three at the " +
      "least): parsing, compressed frames and the model's working copies all live on the heap.",
    evidence: {
      dataset_bytes: plan.datasetBytes,
      heap_wanted_bytes: wantedBytes,
      heap_bytes: heapBytes,
      heap_to_data_ratio: round1(heapBytes / plan.datasetBytes),
    },
    fix:
      `${raiseLimitFix(plan, wantedBytes)}, or train on a sample of at most ` +
      `${formatBytes(Math.floor(heapBytes / datasetHeapFactor))}.`,
  };
}

function noLimitFinding(plan: Plan): Finding | undefined {
  if (plan.limit.source !== "meminfo") return undefined;
  return {
    code: "MEM007",
    severity: "medium",
    title:
      "No container memory limit; split sized for the machine's " + formatBytes(plan.limit.bytes),
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
    title:
      `Limit of ${formatBytes(plan.limit.bytes)} is larger than this machine's ` +
      formatBytes(hostBytes),
    detail:
      "A heap sized from a limit the machine cannot back swaps or gets killed; H2O's " +
      "documentation says -Xmx must not exceed the physical memory.",
    evidence: { limit_bytes: plan.limit.bytes, memtotal_bytes: hostBytes },
    fix:
      `Lower memory_limit to at most ${limitQuantity(hostBytes)} or run on a node with ` +
      "more memory.",
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
