import type { Finding } from "../../report/report.js";
import { isOverCommitted, xgboostMaxHeapFraction } from "./budget.js";
import type { HeapSettings } from "./java_options.js";
import type { Plan } from "./plan.js";
import { MiB, formatBytes, round1 } from "./sizes.js";

/** The heap a JVM with these settings would take in this container. */
export function effectiveHeapBytes(plan: Plan, settings: HeapSettings): number {
  if (settings.maxHeapBytes !== null) return settings.maxHeapBytes;
  if (settings.maxRamPercentage !== null) {
    return Math.floor((plan.limit.bytes * settings.maxRamPercentage) / 100);
  }
  return plan.defaultHeapBytes;
}

export function xgboostHeapFinding(plan: Plan, settings: HeapSettings): Finding | undefined {
  if (plan.workload !== "h2o-training-xgboost") return undefined;
  const heapBytes = effectiveHeapBytes(plan, settings);
  const ceilingBytes = Math.floor(plan.limit.bytes * xgboostMaxHeapFraction);
  if (heapBytes <= ceilingBytes) return undefined;
  return {
    code: "MEM002",
    severity: "high",
    title:
      `Heap of ${formatBytes(heapBytes)} (${settings.source}) is above 2/3 of memory ` +
      "with XGBoost",
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

export function defaultHeapFinding(plan: Plan): Finding | undefined {
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
      title:
        `Without -Xmx the JVM would take ${formatBytes(defaultHeap)} of heap, more than ` +
        `the ${formatBytes(budgetHeap)} that fits`,
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
    title:
      `The JVM's default heap (${formatBytes(defaultHeap)}, 25% of the limit) leaves ` +
      `${formatBytes(idleBytes)} unused`,
    detail:
      (known ? `${sources} runs without -Xmx or MaxRAMPercentage, so` : "Without -Xmx") +
      " the JVM takes MaxRAMPercentage=25 of the limit as heap; the rest of the split " +
      `allows ${formatBytes(budgetHeap)}, so ${round1(wasteShare * 100)}% of the container ` +
      "sits idle while the heap runs out sooner.",
    evidence: { ...evidence, idle_bytes: idleBytes },
    fix: plan.javaToolOptions,
  };
}

export function currentHeapFinding(plan: Plan, settings: HeapSettings): Finding | undefined {
  if (isOverCommitted(plan.budget) || settings.maxHeapBytes === null) return undefined;
  const heapBytes = settings.maxHeapBytes;
  const overBytes = heapBytes - plan.budget.heap_bytes;
  // The alignment remainder is not a real excess; one heap region of slack is allowed.
  if (overBytes <= 2 * MiB) return undefined;
  return {
    code: "MEM013",
    severity: "high",
    title:
      `Current -Xmx of ${formatBytes(heapBytes)} (${settings.source}) exceeds the ` +
      `${formatBytes(plan.budget.heap_bytes)} that fits`,
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
