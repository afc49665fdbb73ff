import type { Finding } from "../../report/report.js";
import { worstSeverity } from "../../report/report.js";
import { isOverCommitted } from "./budget.js";
import type { LiveCheck } from "./live_findings.js";
import type { Plan } from "./plan.js";
import type { ProcessMemory } from "./schema.js";
import { formatBytes } from "./sizes.js";

export function summarize(plan: Plan, live: LiveCheck, findings: readonly Finding[]): string {
  const { budget } = plan;
  const limit = formatBytes(plan.limit.bytes);
  const split = isOverCommitted(budget)
    ? `The fixed regions of a ${plan.workload} container need ` +
      `${formatBytes(budget.total_bytes)}, ${formatBytes(budget.over_commit_bytes)} more than ` +
      `the ${limit} limit, so no heap fits.`
    : `Split ${limit} for ${plan.workload}: heap ${formatBytes(budget.heap_bytes)}, metaspace ` +
      `${formatBytes(budget.metaspace_bytes)}, ` +
      `code cache ${formatBytes(budget.code_cache_bytes)}, ` +
      `${plan.budgetInput.threadCount} thread stacks ${formatBytes(budget.thread_stacks_bytes)}` +
      (budget.native_reserve_bytes > 0
        ? `, XGBoost native ${formatBytes(budget.native_reserve_bytes)}`
        : "") +
      (budget.python_workers_bytes > 0
        ? `, Python workers ${formatBytes(budget.python_workers_bytes)}`
        : "") +
      `.`;

  let jvm: string;
  if (live.flagsRun?.ok) {
    jvm =
      live.mismatches.length === 0
        ? `JVM ${live.flagsRun.version ?? ""} took the flags as given`
        : `JVM ${live.flagsRun.version ?? ""} changed ${live.mismatches.length} of the flags`;
  } else if (live.skipped) {
    jvm = "Live checks were off, so no JVM checked the flags";
  } else {
    jvm = "No JVM checked the flags";
  }
  const defaultHeap = live.measuredDefaultHeapBytes ?? plan.defaultHeapBytes;
  jvm += `; without -Xmx it would take ${formatBytes(defaultHeap)} of heap.`;

  const worst = worstSeverity(findings);
  const verdict = worst ? `${findings.length} finding(s), worst ${worst}.` : "No findings.";
  return `${split} ${jvm.replace(/\s+/g, " ")} ${verdict}`;
}

export function metricsOf(
  plan: Plan,
  live: LiveCheck,
  processes: readonly ProcessMemory[],
): Record<string, number> {
  const { budget } = plan;
  const metrics: Record<string, number> = {
    memory_limit_bytes: plan.limit.bytes,
    heap_bytes: budget.heap_bytes,
    metaspace_bytes: budget.metaspace_bytes,
    code_cache_bytes: budget.code_cache_bytes,
    thread_stacks_bytes: budget.thread_stacks_bytes,
    direct_memory_bytes: budget.direct_memory_bytes,
    native_reserve_bytes: budget.native_reserve_bytes,
    python_workers_bytes: budget.python_workers_bytes,
    headroom_bytes: budget.headroom_bytes,
    budget_total_bytes: budget.total_bytes,
    over_commit_bytes: budget.over_commit_bytes,
    heap_percent_of_limit: Math.round((budget.heap_bytes / plan.limit.bytes) * 1000) / 10,
    loaded_classes: plan.loadedClasses.count,
    jvm_threads: plan.budgetInput.threadCount,
    jvm_default_heap_predicted_bytes: plan.defaultHeapBytes,
    jvm_starts: live.jvmStarts,
  };
  if (live.measuredDefaultHeapBytes !== null) {
    metrics.jvm_default_heap_measured_bytes = live.measuredDefaultHeapBytes;
  }
  if (live.reported?.MaxHeapSize != null) {
    metrics.jvm_reported_max_heap_bytes = live.reported.MaxHeapSize;
  }
  for (const process of processes) {
    metrics[`pid_${process.pid}_rss_bytes`] = process.rss_bytes;
    if (process.hwm_bytes !== null) metrics[`pid_${process.pid}_hwm_bytes`] = process.hwm_bytes;
  }
  return metrics;
}
