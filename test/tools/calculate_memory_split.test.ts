import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defaultConfig } from "../../src/infra/config.js";
import { silentLogger } from "../../src/infra/logger.js";
import { invokeTool, publicInputSchema, publicOutputSchema } from "../../src/server/invoke.js";
import { calculateMemorySplit } from "../../src/tools/calculate_memory_split/index.js";
import {
  computeBudget,
  estimateLoadedClasses,
  heapAlignmentBytes,
  jvmDefaultHeapBytes,
  metaspaceBytesFor,
  minimumLimitBytes,
  workloads,
  type BudgetInput,
} from "../../src/tools/calculate_memory_split/budget.js";
import {
  heapSettingsOf,
  splitJavaOptions,
} from "../../src/tools/calculate_memory_split/java_options.js";
import { askJvm, locateJava } from "../../src/tools/calculate_memory_split/jvm_cache.js";
import {
  parseFlags,
  flagMismatches,
  reportedFlags,
} from "../../src/tools/calculate_memory_split/jvm.js";
import {
  GiB,
  MiB,
  jvmSize,
  parseQuantity,
  quantityProblem,
} from "../../src/tools/calculate_memory_split/sizes.js";

const paketoOneGiB: BudgetInput = {
  limitBytes: GiB,
  workload: "mojo-scoring",
  headroomPercent: 0,
  threadCount: 250,
  stackBytes: MiB,
  directMemoryBytes: 10 * MiB,
  codeCacheBytes: 240 * MiB,
  metaspaceBytes: metaspaceBytesFor(16_526),
  pythonWorkers: 0,
  pythonWorkerBytes: 0,
};

function lineSum(budget: ReturnType<typeof computeBudget>): number {
  return (
    budget.heap_bytes +
    budget.metaspace_bytes +
    budget.code_cache_bytes +
    budget.thread_stacks_bytes +
    budget.direct_memory_bytes +
    budget.native_reserve_bytes +
    budget.python_workers_bytes +
    budget.headroom_bytes
  );
}

/** A small deterministic generator, so the property loop is the same on every run. */
function* randomInputs(count: number): Generator<BudgetInput> {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let index = 0; index < count; index += 1) {
    const workload = workloads[Math.floor(next() * workloads.length)]!;
    const python = workload === "fastapi-mojo-scoring";
    yield {
      limitBytes: Math.floor(2 * GiB + next() * 200 * GiB) + Math.floor(next() * 4096),
      workload,
      headroomPercent: Math.floor(next() * 30 * 10) / 10,
      threadCount: 1 + Math.floor(next() * 600),
      stackBytes: (256 + Math.floor(next() * 1792)) * 1024,
      directMemoryBytes: Math.floor(next() * 512 * MiB),
      codeCacheBytes: (16 + Math.floor(next() * 224)) * MiB,
      metaspaceBytes: metaspaceBytesFor(Math.floor(next() * 60_000)),
      pythonWorkers: python ? 1 + Math.floor(next() * 8) : 0,
      pythonWorkerBytes: python ? Math.floor(next() * 400 * MiB) : 0,
    };
  }
}

describe("memory split arithmetic", () => {
  it("matches the Paketo calculator for 1 GiB, 250 threads and 16,526 classes", () => {
    expect(estimateLoadedClasses(5_000)).toBe(16_526);
    expect(metaspaceBytesFor(16_526)).toBe(109_850_800);

    const budget = computeBudget(paketoOneGiB);
    expect(budget.calculator_heap_bytes).toBe(439_603_024);
    expect(Math.round((budget.calculator_heap_bytes / MiB) * 10) / 10).toBe(419.2);
    expect(budget.metaspace_bytes).toBe(109_850_800);
    expect(budget.thread_stacks_bytes).toBe(250 * MiB);
    // Rounded down to the JVM's 2 MiB heap alignment; the remainder stays free.
    expect(budget.heap_bytes).toBe(418 * MiB);
    expect(budget.headroom_bytes).toBe(439_603_024 - 418 * MiB);
    expect(budget.total_bytes).toBe(GiB);
  });

  it("sums every line to exactly the limit for many feasible inputs", () => {
    let checked = 0;
    for (const input of randomInputs(2_000)) {
      const budget = computeBudget(input);
      if (budget.over_commit_bytes > 0) continue;
      checked += 1;
      expect(lineSum(budget)).toBe(input.limitBytes);
      expect(budget.total_bytes).toBe(input.limitBytes);
      expect(budget.heap_bytes % heapAlignmentBytes(budget.heap_bytes)).toBe(0);
      expect(budget.heap_bytes).toBeLessThanOrEqual(budget.calculator_heap_bytes);
      if (input.workload === "h2o-training-xgboost") {
        expect(budget.heap_bytes).toBeLessThanOrEqual((input.limitBytes * 2) / 3);
      } else {
        expect(budget.native_reserve_bytes).toBe(0);
      }
    }
    expect(checked).toBeGreaterThan(1_500);
  });

  it("caps the XGBoost heap at 2/3 of the limit and gives the rest to native memory", () => {
    const budget = computeBudget({
      ...paketoOneGiB,
      limitBytes: 60e9,
      workload: "h2o-training-xgboost",
    });
    expect(budget.heap_bytes).toBeLessThanOrEqual(40e9);
    expect(40e9 - budget.heap_bytes).toBeLessThan(32 * MiB);
    expect(budget.native_reserve_bytes).toBe(60e9 - budget.heap_bytes - 109_850_800 - 500 * MiB);
    expect(lineSum(budget)).toBe(60e9);
  });

  it("reports over-commitment when the fixed regions exceed the limit", () => {
    const budget = computeBudget({ ...paketoOneGiB, limitBytes: 512 * MiB });
    expect(budget.heap_bytes).toBe(0);
    expect(budget.over_commit_bytes).toBe(109_850_800 + 500 * MiB - 512 * MiB);
  });

  it("finds the smallest limit that gives a wanted heap", () => {
    const limitBytes = minimumLimitBytes(paketoOneGiB, 2 * GiB);
    expect(limitBytes % MiB).toBe(0);
    expect(computeBudget({ ...paketoOneGiB, limitBytes }).heap_bytes).toBeGreaterThanOrEqual(
      2 * GiB,
    );
    expect(
      computeBudget({ ...paketoOneGiB, limitBytes: limitBytes - MiB }).heap_bytes,
    ).toBeLessThan(2 * GiB);
  });

  it("predicts the JDK 17 default heap measured for MaxRAM 128m to 8g", () => {
    const measuredMiB: [number, number][] = [
      [128 * MiB, 64],
      [200 * MiB, 100],
      [256 * MiB, 126],
      [400 * MiB, 126],
      [512 * MiB, 128],
      [GiB, 256],
      [2 * GiB, 512],
      [8 * GiB, 2048],
    ];
    for (const [limitBytes, heapMiB] of measuredMiB) {
      expect(jvmDefaultHeapBytes(limitBytes)).toBe(heapMiB * MiB);
    }
  });

  it("aligns heaps like G1: 2 MiB floor, region size rounded up to a power of two", () => {
    expect(heapAlignmentBytes(419 * MiB)).toBe(2 * MiB);
    expect(heapAlignmentBytes(8191 * MiB)).toBe(4 * MiB);
    expect(heapAlignmentBytes(24_641_933_136)).toBe(16 * MiB);
    expect(heapAlignmentBytes(200 * GiB)).toBe(32 * MiB);
  });
});

describe("memory quantities", () => {
  it("reads Kubernetes quantities and byte counts", () => {
    expect(parseQuantity("4Gi")).toBe(4 * GiB);
    expect(parseQuantity("512Mi")).toBe(512 * MiB);
    expect(parseQuantity("1G")).toBe(1_000_000_000);
    expect(parseQuantity("800M")).toBe(800_000_000);
    expect(parseQuantity("1.5Gi")).toBe(1.5 * GiB);
    expect(parseQuantity("1048576")).toBe(MiB);
    expect(parseQuantity(123_456)).toBe(123_456);
  });

  it("refuses JVM-style and unit-suffixed forms with the spelling to use", () => {
    expect(quantityProblem("1g")).toMatch(/4Gi or 512Mi/);
    expect(quantityProblem("512MB")).toMatch(/Kubernetes quantity/);
    expect(quantityProblem("lots")).toMatch(/expected a byte count/);
    expect(quantityProblem("4Gi")).toBeUndefined();
  });

  it("writes JVM sizes in the largest exact binary unit", () => {
    expect(jvmSize(418 * MiB)).toBe("418m");
    expect(jvmSize(2 * GiB)).toBe("2g");
    expect(jvmSize(512 * 1024)).toBe("512k");
    expect(jvmSize(109_850_800)).toBe("109850800");
  });
});

describe("JVM options and PrintFlagsFinal output", () => {
  it("reads the heap settings of a command line, later options winning", () => {
    const options = splitJavaOptions('JAVA_TOOL_OPTIONS="-Xmx1g -XX:MaxRAMPercentage=50 -Xmx2g"');
    expect(heapSettingsOf(options, "x")).toEqual({
      source: "x",
      maxHeapBytes: 2 * GiB,
      maxRamPercentage: 50,
    });
    expect(heapSettingsOf(["-jar", "h2o.jar"], "y").maxHeapBytes).toBeNull();
  });

  it("parses PrintFlagsFinal lines and names each flag the JVM changed", () => {
    const output = [
      "[Global flags]",
      "   size_t MaxHeapSize   = 440401920   {product} {command line, ergonomic}",
      "   size_t MaxMetaspaceSize   = 109850800   {product} {command line}",
      "   uintx ReservedCodeCacheSize   = 251658240   {pd product} {command line}",
      "   intx ThreadStackSize   = 1024   {pd product} {command line}",
      " uint64_t MaxDirectMemorySize   = 10485760   {product} {command line}",
      "   bool UseG1GC   = true   {product} {ergonomic}",
      "   ccstr AbortVMOnException   =   {diagnostic} {default}",
    ].join("\n");
    const flags = parseFlags(output);
    expect(flags.get("AbortVMOnException")).toBe("");
    const reported = reportedFlags(flags);
    expect(reported.ThreadStackSize).toBe(MiB);
    expect(reported.garbage_collector).toBe("G1GC");
    const mismatches = flagMismatches(
      {
        heapBytes: 439_603_024,
        metaspaceBytes: 109_850_800,
        codeCacheBytes: 240 * MiB,
        stackBytes: MiB,
        directMemoryBytes: 10 * MiB,
      },
      reported,
    );
    expect(mismatches).toEqual(["MaxHeapSize: flag asks 439603024 B, the JVM reports 440401920"]);
  });
});

describe("calculate_memory_split input", () => {
  async function refusal(input: Record<string, unknown>): Promise<string> {
    const result = await invokeTool(calculateMemorySplit, input, {
      config: defaultConfig(),
      log: silentLogger,
    });
    if (result.ok) throw new Error("expected the input to be refused");
    expect(result.kind).toBe("input");
    return result.message;
  }

  it("names each bad field with the fix", async () => {
    expect(await refusal({ workload: "spark" })).toMatch(
      /workload: workload must be one of h2o-training, h2o-training-xgboost, mojo-scoring/,
    );
    expect(await refusal({ workload: "mojo-scoring", memory_limit: "4g" })).toMatch(
      /memory_limit: cannot read "4g": write a Kubernetes quantity such as 4Gi/,
    );
    expect(await refusal({ workload: "mojo-scoring", memory_limit: "0Mi" })).toMatch(
      /memory_limit: must be above 0 bytes/,
    );
    expect(await refusal({ workload: "mojo-scoring", headroom_percent: 95 })).toMatch(
      /headroom_percent: headroom_percent above 90/,
    );
    expect(await refusal({ workload: "mojo-scoring", jvm_threads: 0 })).toMatch(
      /jvm_threads: jvm_threads must be at least 1/,
    );
  });

  it("refuses fields that do not apply to the workload", async () => {
    expect(
      await refusal({ workload: "mojo-scoring", memory_limit: "1Gi", python_workers: 4 }),
    ).toMatch(/^python_workers: applies only to workload fastapi-mojo-scoring/);
    expect(
      await refusal({
        workload: "mojo-scoring",
        memory_limit: "1Gi",
        loaded_classes: 10_000,
        metaspace: "128Mi",
      }),
    ).toMatch(/^loaded_classes: give either loaded_classes .* or metaspace/);
    expect(
      await refusal({ workload: "mojo-scoring", memory_limit: "1Gi", thread_stack_size: 1000 }),
    ).toMatch(/^thread_stack_size: 1000 B is not a whole number of KiB/);
  });

  it("publishes input and output schemas an MCP client can read", () => {
    const input = z.toJSONSchema(publicInputSchema(calculateMemorySplit), { io: "input" });
    expect(Object.keys(input.properties ?? {})).toContain("memory_limit");
    expect(input.required).toEqual(["workload"]);
    expect(() => z.toJSONSchema(publicOutputSchema(calculateMemorySplit))).not.toThrow();
  });
});

describe("finding the java binary", () => {
  const folder = mkdtempSync(join(tmpdir(), "locate-java-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const make = (path: string, mode: number) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, mode);
    return path;
  };

  it("reports a missing java as ENOENT without starting anything", async () => {
    const binary = locateJava(join(folder, "nowhere", "java"));
    expect(binary).toMatchObject({ found: false, code: "ENOENT" });
    const answer = await askJvm(binary, ["-Xmx1m"], new AbortController().signal, 1000);
    expect(answer).toEqual({
      run: {
        ok: false,
        reason: "missing",
        message: `could not start ${join(folder, "nowhere", "java")} (ENOENT)`,
      },
      fromCache: false,
    });
  });

  it("reports a java that may not be run as EACCES", () => {
    const path = make(join(folder, "locked", "java"), 0o644);
    expect(locateJava(path)).toMatchObject({ found: false, code: "EACCES" });
  });

  it("ties a link to the file it points at, so two links to one JDK share an identity", () => {
    const real = make(join(folder, "jdk", "bin", "java"), 0o755);
    const link = join(folder, "alternatives-java");
    symlinkSync(real, link);
    const viaLink = locateJava(link);
    const direct = locateJava(real);
    expect(viaLink.found && viaLink.identity).toBe(direct.found && direct.identity);
    expect(direct.found && direct.identity).toContain(real);
  });
});
