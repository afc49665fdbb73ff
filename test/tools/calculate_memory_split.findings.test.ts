import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/report/report.js";
import { computeBudget } from "../../src/tools/calculate_memory_split/budget.js";
import { planFindings } from "../../src/tools/calculate_memory_split/findings.js";
import { heapSettingsOf } from "../../src/tools/calculate_memory_split/java_options.js";
import type { JvmRun } from "../../src/tools/calculate_memory_split/jvm.js";
import type { DetectedLimit } from "../../src/tools/calculate_memory_split/limit.js";
import {
  jvmFindings,
  processFindings,
  type LiveCheck,
} from "../../src/tools/calculate_memory_split/live_findings.js";
import { buildPlan, type Plan } from "../../src/tools/calculate_memory_split/plan.js";
import { inputSchema } from "../../src/tools/calculate_memory_split/schema.js";
import { GiB, MiB } from "../../src/tools/calculate_memory_split/sizes.js";

function limitOf(bytes: number, source: DetectedLimit["source"] = "input"): DetectedLimit {
  return { bytes, source, path: null, unlimitedReason: null };
}

function plan(
  raw: Record<string, unknown>,
  options: Partial<Pick<Plan, "current" | "hostMemoryBytes">> = {},
): Plan {
  const input = inputSchema.parse(raw);
  return buildPlan(
    input,
    limitOf(Number(raw.limit ?? GiB)),
    options.hostMemoryBytes ?? null,
    options.current ?? [],
  );
}

function codes(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.code);
}

function only(findings: readonly Finding[], code: string): Finding {
  const matching = findings.filter((finding) => finding.code === code);
  expect(matching, `exactly one ${code} in ${codes(findings).join(",")}`).toHaveLength(1);
  return matching[0]!;
}

const okRun: JvmRun = { ok: true, flags: new Map(), version: "17.0.15" };

function live(overrides: Partial<LiveCheck>): LiveCheck {
  return {
    java: "java",
    skipped: false,
    flagsRun: okRun,
    flagsFromCache: false,
    reported: null,
    mismatches: [],
    defaultRun: okRun,
    measuredDefaultHeapBytes: null,
    jvmStarts: 2,
    ...overrides,
  };
}

describe("findings about the split", () => {
  it("MEM001: fixed regions over-committing the limit are critical, with a limit that fits", () => {
    const split = plan({
      workload: "fastapi-mojo-scoring",
      limit: GiB,
      loaded_classes: 16_526,
      python_workers: 3,
    });
    const finding = only(planFindings(split), "MEM001");
    expect(finding.severity).toBe("critical");
    expect(finding.evidence.over_commit_bytes).toBe(split.budget.over_commit_bytes);
    const limitMiB = Number(/at least (\d+)Mi/.exec(finding.fix)![1]);
    const fitted = computeBudget({ ...split.budgetInput, limitBytes: limitMiB * MiB });
    expect(fitted.over_commit_bytes).toBe(0);
    expect(fitted.heap_bytes).toBeGreaterThanOrEqual(124 * MiB);
    const tighter = computeBudget({ ...split.budgetInput, limitBytes: (limitMiB - 1) * MiB });
    expect(tighter.heap_bytes).toBeLessThan(124.8 * MiB);
    // 250 stacks cannot free the ~306 MiB needed; two fewer workers can.
    expect(finding.fix).not.toMatch(/jvm_threads/);
    expect(finding.fix).toMatch(/run 1 Python workers instead of 3/);
  });

  it("MEM001: suggests the largest thread count that fits", () => {
    const split = plan({ workload: "mojo-scoring", limit: 600 * MiB, loaded_classes: 16_526 });
    const finding = only(planFindings(split), "MEM001");
    const threads = Number(/jvm_threads from 250 to (\d+)/.exec(finding.fix)![1]);
    const heapWith = (threadCount: number) =>
      computeBudget({ ...split.budgetInput, threadCount }).heap_bytes;
    expect(heapWith(threads)).toBeGreaterThanOrEqual(124.8 * MiB);
    expect(heapWith(threads + 1)).toBeLessThan(124.8 * MiB);
  });

  it("MEM002: a current heap above 2/3 of the limit with XGBoost is high", () => {
    const current = [heapSettingsOf(["-Xmx3g"], "current_java_options")];
    const split = plan({ workload: "h2o-training-xgboost", limit: 4 * GiB }, { current });
    const finding = only(planFindings(split), "MEM002");
    expect(finding.severity).toBe("high");
    expect(finding.evidence.heap_bytes).toBe(3 * GiB);
    expect(finding.evidence.max_heap_bytes_at_two_thirds).toBe(Math.floor((4 * GiB * 2) / 3));
    expect(finding.fix).toContain("-Xmx2730m");
    const allowed = [heapSettingsOf(["-XX:MaxRAMPercentage=50"], "pid 7")];
    expect(
      codes(
        planFindings(
          plan({ workload: "h2o-training-xgboost", limit: 4 * GiB }, { current: allowed }),
        ),
      ),
    ).not.toContain("MEM002");
  });

  it("MEM003: the 25% default heap is info when unknown, medium when running on it", () => {
    const unknown = only(
      planFindings(plan({ workload: "mojo-scoring", limit: 4 * GiB })),
      "MEM003",
    );
    expect(unknown.severity).toBe("info");
    expect(unknown.evidence.jvm_default_heap_bytes).toBe(GiB);

    const current = [heapSettingsOf(["-jar", "scorer.jar"], "pid 42")];
    const known = only(
      planFindings(plan({ workload: "mojo-scoring", limit: 4 * GiB }, { current })),
      "MEM003",
    );
    expect(known.severity).toBe("medium");
    expect(known.evidence.running_on_defaults).toBe("pid 42");
    expect(known.evidence.idle_bytes).toBe(Number(known.evidence.budget_heap_bytes) - GiB);
  });

  it("MEM003: a default heap larger than what fits is high when the service runs on it", () => {
    const current = [heapSettingsOf([], "current_java_options")];
    const split = plan(
      { workload: "mojo-scoring", limit: 700 * MiB, loaded_classes: 16_526 },
      { current },
    );
    expect(split.budget.heap_bytes).toBeLessThan(split.defaultHeapBytes);
    expect(only(planFindings(split), "MEM003").severity).toBe("high");
  });

  it("MEM004: a heap below 2.2x the model zip is medium, below 1x is high", () => {
    const base = { workload: "mojo-scoring", limit: GiB, loaded_classes: 16_526 };
    expect(codes(planFindings(plan({ ...base, model_bytes: "150Mi" })))).not.toContain("MEM004");
    expect(only(planFindings(plan({ ...base, model_bytes: "300Mi" })), "MEM004").severity).toBe(
      "medium",
    );
    const high = only(planFindings(plan({ ...base, model_bytes: "500Mi" })), "MEM004");
    expect(high.severity).toBe("high");
    expect(high.evidence.model_heap_high_bytes).toBe(Math.ceil(500 * MiB * 2.2));
  });

  it("MEM005: a heap below 4x the data is medium, below 3x is high", () => {
    const base = { workload: "h2o-training", limit: 8 * GiB, loaded_classes: 20_000 };
    expect(codes(planFindings(plan({ ...base, dataset_bytes: "1Gi" })))).not.toContain("MEM005");
    const medium = only(planFindings(plan({ ...base, dataset_bytes: "2000Mi" })), "MEM005");
    expect(medium.severity).toBe("medium");
    expect(medium.evidence.heap_wanted_bytes).toBe(4 * 2000 * MiB);
    const high = only(planFindings(plan({ ...base, dataset_bytes: "3Gi" })), "MEM005");
    expect(high.severity).toBe("high");
    const limitMiB = Number(/at least (\d+)Mi/.exec(high.fix)![1]);
    const split = plan({ ...base, limit: limitMiB * MiB, dataset_bytes: "3Gi" });
    expect(split.budget.heap_bytes).toBeGreaterThanOrEqual(12 * GiB);
  });

  it("MEM007 and MEM008: a missing limit and a limit above the machine", () => {
    const input = inputSchema.parse({ workload: "mojo-scoring" });
    const unlimited = buildPlan(
      input,
      { ...limitOf(16 * GiB, "meminfo"), unlimitedReason: 'memory.max is "max"' },
      16 * GiB,
      [],
    );
    expect(only(planFindings(unlimited), "MEM007").severity).toBe("medium");
    expect(codes(planFindings(unlimited))).not.toContain("MEM008");

    const tooBig = plan(
      { workload: "mojo-scoring", limit: 64 * GiB },
      { hostMemoryBytes: 16 * GiB },
    );
    const finding = only(planFindings(tooBig), "MEM008");
    expect(finding.severity).toBe("high");
    expect(finding.fix).toContain("16384Mi");
  });

  it("MEM013: a current -Xmx above the heap that fits is high", () => {
    const current = [heapSettingsOf(["-Xmx900m"], "pid 9")];
    const finding = only(
      planFindings(
        plan({ workload: "mojo-scoring", limit: GiB, loaded_classes: 16_526 }, { current }),
      ),
      "MEM013",
    );
    expect(finding.evidence.over_bytes).toBe(900 * MiB - 418 * MiB);
    const fitting = [heapSettingsOf(["-Xmx418m"], "pid 9")];
    expect(
      codes(
        planFindings(
          plan(
            { workload: "mojo-scoring", limit: GiB, loaded_classes: 16_526 },
            { current: fitting },
          ),
        ),
      ),
    ).not.toContain("MEM013");
  });

  it("MEM014: estimates are named with the rule behind them, and vanish when measured", () => {
    const finding = only(
      planFindings(plan({ workload: "fastapi-mojo-scoring", limit: 4 * GiB })),
      "MEM014",
    );
    expect(finding.severity).toBe("info");
    expect(finding.evidence.loaded_classes).toBe(16_526);
    expect(finding.evidence.python_worker_rss_bytes).toBe(200 * MiB);
    const measured = plan({
      workload: "fastapi-mojo-scoring",
      limit: 4 * GiB,
      loaded_classes: 9000,
      python_worker_rss: "180Mi",
    });
    expect(codes(planFindings(measured))).not.toContain("MEM014");
  });
});

describe("findings from the JVM and the processes", () => {
  const split = plan({ workload: "mojo-scoring", limit: GiB, loaded_classes: 16_526 });

  it("MEM009: a flag the JVM took differently is high and lists the flag", () => {
    const findings = jvmFindings(
      split,
      live({ mismatches: ["MaxHeapSize: flag asks 1 B, the JVM reports 2"] }),
    );
    expect(only(findings, "MEM009").detail).toContain("MaxHeapSize");
  });

  it("MEM010 and MEM011: a missing java is low, refused flags are high", () => {
    const missing: JvmRun = {
      ok: false,
      reason: "missing",
      message: "could not start java (ENOENT)",
    };
    expect(
      only(jvmFindings(split, live({ flagsRun: missing, defaultRun: missing })), "MEM010").severity,
    ).toBe("low");
    const refused: JvmRun = { ok: false, reason: "rejected", message: "stack too small" };
    const findings = jvmFindings(split, live({ flagsRun: refused }));
    expect(codes(findings)).toEqual(["MEM011"]);
  });

  it("MEM012: a heap past 32 GiB without compressed oops is medium", () => {
    const reported = {
      MaxHeapSize: 33 * GiB,
      MaxMetaspaceSize: null,
      ReservedCodeCacheSize: null,
      ThreadStackSize: null,
      MaxDirectMemorySize: null,
      UseCompressedOops: false,
      garbage_collector: "G1GC",
    };
    expect(only(jvmFindings(split, live({ reported })), "MEM012").severity).toBe("medium");
    expect(
      codes(jvmFindings(split, live({ reported: { ...reported, MaxHeapSize: 31 * GiB } }))),
    ).toEqual([]);
  });

  it("MEM016: a measured default heap that differs from the prediction is low", () => {
    expect(codes(jvmFindings(split, live({ measuredDefaultHeapBytes: 256 * MiB })))).toEqual([]);
    expect(
      only(jvmFindings(split, live({ measuredDefaultHeapBytes: 300 * MiB })), "MEM016").severity,
    ).toBe("low");
  });

  it("MEM006 and MEM015: RSS above a process's share, and all of them near the limit", () => {
    const processes = [
      {
        pid: 1,
        command: "java -jar s.jar",
        role: "jvm" as const,
        rss_bytes: 1100 * MiB,
        hwm_bytes: 1100 * MiB,
        share_bytes: 900 * MiB,
      },
      {
        pid: 2,
        command: "uvicorn app:app",
        role: "python" as const,
        rss_bytes: 100 * MiB,
        hwm_bytes: 300 * MiB,
        share_bytes: 200 * MiB,
      },
      {
        pid: 3,
        command: "sleep",
        role: "other" as const,
        rss_bytes: MiB,
        hwm_bytes: MiB,
        share_bytes: GiB,
      },
    ];
    const findings = processFindings(split, processes);
    const overShare = findings.filter((finding) => finding.code === "MEM006");
    expect(overShare.map((finding) => [finding.evidence.pid, finding.severity])).toEqual([
      [1, "high"],
      [2, "medium"],
    ]);
    expect(overShare[1]!.fix).toContain("python_worker_rss=300Mi");
    const total = only(findings, "MEM015");
    expect(total.severity).toBe("critical");
    expect(total.evidence.total_rss_bytes).toBe(1201 * MiB);
  });
});
