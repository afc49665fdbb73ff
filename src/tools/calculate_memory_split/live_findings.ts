import type { Finding } from "../../report/report.js";
import type { JvmRun } from "./jvm.js";
import type { Plan } from "./plan.js";
import type { ProcessMemory, ReportedFlags } from "./schema.js";
import { GiB, formatBytes } from "./sizes.js";

export interface LiveCheck {
  java: string;
  /** The caller turned live checks off: no JVM ran, so there is nothing to judge. */
  skipped: boolean;
  /** Null when no -Xmx fits, so there was nothing to check, or when skipped. */
  flagsRun: JvmRun | null;
  /** The JVM's answer for these flags came from an earlier identical run in this process. */
  flagsFromCache: boolean;
  reported: ReportedFlags | null;
  mismatches: string[];
  /** Null when skipped. */
  defaultRun: JvmRun | null;
  measuredDefaultHeapBytes: number | null;
  /** JVMs this call really started (0 when every answer was cached or nothing could run). */
  jvmStarts: number;
}

/** Findings from running the real JVM with the computed flags and with no -Xmx. */
export function jvmFindings(plan: Plan, live: LiveCheck): Finding[] {
  const findings: Finding[] = [];
  const failed = [live.flagsRun, live.defaultRun].find((run) => run !== null && !run.ok);
  if (failed && !failed.ok && failed.reason !== "rejected") {
    findings.push({
      code: "MEM010",
      severity: "low",
      title: `The JVM could not be run, so the flags are unchecked`,
      detail: `${failed.message}. The split is computed, but no JVM confirmed it.`,
      evidence: { java: live.java, reason: failed.reason },
      fix:
        "Install a JDK 17+ or pass `java` with the path of the JVM the service runs " +
        "(e.g. /usr/lib/jvm/java-17-openjdk-amd64/bin/java).",
    });
  }
  if (live.flagsRun && !live.flagsRun.ok && live.flagsRun.reason === "rejected") {
    findings.push({
      code: "MEM011",
      severity: "high",
      title: "The JVM refused the computed flags",
      detail: `${live.flagsRun.message}. A service started with these flags would not start.`,
      evidence: { java: live.java, flags: plan.javaToolOptions },
      fix:
        "Adjust the region named in the JVM's message (thread_stack_size, code_cache, " +
        "metaspace or direct_memory) to a value the JVM accepts and rerun.",
    });
  }
  if (live.mismatches.length > 0) {
    findings.push({
      code: "MEM009",
      severity: "high",
      title: `The JVM took ${live.mismatches.length} flag(s) differently from the budget`,
      detail:
        `${live.mismatches.join("; ")}. The JVM rounds or caps some values, so the ` +
        "container's real footprint differs from the split.",
      evidence: Object.fromEntries(
        Object.entries(live.reported ?? {}).map(([name, value]) => [name, value]),
      ),
      fix:
        "Use the values the JVM reports (round heap and code cache to whole MiB) and recompute " +
        "the split with them as inputs.",
    });
  }
  const heapBytes = live.reported?.MaxHeapSize ?? null;
  if (live.reported?.UseCompressedOops === false && heapBytes !== null && heapBytes >= 32 * GiB) {
    findings.push({
      code: "MEM012",
      severity: "medium",
      title: `Heap of ${formatBytes(heapBytes)} turns compressed object pointers off`,
      detail:
        "The JVM reports UseCompressedOops=false: above about 32 GiB every reference takes 8 " +
        "bytes instead of 4, so a heap just above 32 GiB holds less than one just below.",
      evidence: { heap_bytes: heapBytes, UseCompressedOops: false },
      fix:
        "Keep -Xmx at 31g or less and give the rest to native memory, or go well beyond 32 GiB " +
        "(about 48 GiB or more) so the larger pointers pay for themselves.",
    });
  }
  const measured = live.measuredDefaultHeapBytes;
  if (measured !== null && measured !== plan.defaultHeapBytes) {
    findings.push({
      code: "MEM016",
      severity: "low",
      title:
        `The JVM's default heap is ${formatBytes(measured)}, not the predicted ` +
        formatBytes(plan.defaultHeapBytes),
      detail:
        "This JVM's ergonomics differ from JDK 17's MaxRAMPercentage=25 rule (another " +
        "version or vendor, or a machine smaller than the limit); the measured value counts.",
      evidence: {
        measured_default_heap_bytes: measured,
        predicted_default_heap_bytes: plan.defaultHeapBytes,
        limit_bytes: plan.limit.bytes,
      },
      fix: plan.javaToolOptions,
    });
  }
  return findings;
}

/** Findings from the resident memory of the given processes. */
export function processFindings(plan: Plan, processes: readonly ProcessMemory[]): Finding[] {
  const findings: Finding[] = [];
  for (const process of processes) {
    const peakBytes = process.hwm_bytes ?? process.rss_bytes;
    if (process.rss_bytes <= process.share_bytes && peakBytes <= process.share_bytes) continue;
    const nowOver = process.rss_bytes > process.share_bytes;
    findings.push({
      code: "MEM006",
      severity: nowOver ? "high" : "medium",
      title:
        `Process ${process.pid} (${process.role}) ${nowOver ? "uses" : "peaked at"} ` +
        `${formatBytes(nowOver ? process.rss_bytes : peakBytes)}, above its ` +
        `${formatBytes(process.share_bytes)} share`,
      detail:
        `${process.command.slice(0, 120)} is ${nowOver ? "now" : "was at its peak"} above ` +
        "what the split allows it, so the other regions are squeezed and the container " +
        "nears its limit.",
      evidence: {
        pid: process.pid,
        rss_bytes: process.rss_bytes,
        hwm_bytes: process.hwm_bytes,
        share_bytes: process.share_bytes,
      },
      fix:
        process.role === "python"
          ? `Rerun with python_worker_rss=${Math.ceil(peakBytes / 1024 / 1024)}Mi so the split ` +
            "counts the real worker size, or cut the worker's memory (fewer imports, no " +
            "per-worker model copies)."
          : process.role === "jvm"
            ? `Apply the flags (${plan.javaToolOptions}) and, if the JVM still exceeds its ` +
              "share, raise headroom_percent by its native overhead."
            : "Give this process a place in the split (headroom_percent) or move it out.",
    });
  }

  const totalRss = processes.reduce((sum, process) => sum + process.rss_bytes, 0);
  if (processes.length > 1 && totalRss > plan.limit.bytes * 0.9) {
    const over = totalRss > plan.limit.bytes;
    findings.push({
      code: "MEM015",
      severity: over ? "critical" : "high",
      title:
        `Measured processes hold ${formatBytes(totalRss)} of the ` +
        `${formatBytes(plan.limit.bytes)} limit`,
      detail: over
        ? "Their resident memory already exceeds the limit; the kernel will OOM-kill one."
        : "Their resident memory is above 90% of the limit; the next spike gets one killed.",
      evidence: { total_rss_bytes: totalRss, limit_bytes: plan.limit.bytes },
      fix: `Apply ${plan.javaToolOptions} and size Python workers from their measured RSS.`,
    });
  }
  return findings;
}
