import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configSchema, defaultConfig, type Config } from "../../src/infra/config.js";
import { silentLogger } from "../../src/infra/logger.js";
import type { Report } from "../../src/report/report.js";
import { invokeTool, publicOutputSchema, type InvokeOptions } from "../../src/server/invoke.js";
import { jvmDefaultHeapBytes } from "../../src/tools/calculate_memory_split/budget.js";
import {
  calculateMemorySplit,
  memorySplitTool,
} from "../../src/tools/calculate_memory_split/index.js";
import { printFlagsFinal, reportedFlags } from "../../src/tools/calculate_memory_split/jvm.js";
import { clearJvmAnswers } from "../../src/tools/calculate_memory_split/jvm_cache.js";
import type { Details } from "../../src/tools/calculate_memory_split/schema.js";
import { GiB, MiB } from "../../src/tools/calculate_memory_split/sizes.js";

const javaMissing = spawnSync("java", ["-version"]).status !== 0;
const scratch = mkdtempSync(join(tmpdir(), "memory-split-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Tool = ReturnType<typeof memorySplitTool>;

async function run(
  input: Record<string, unknown>,
  tool: Tool = calculateMemorySplit,
  options: Partial<InvokeOptions> = {},
): Promise<Report<Details>> {
  const result = await invokeTool(tool, input, {
    config: defaultConfig(),
    log: silentLogger,
    ...options,
  });
  if (!result.ok) throw new Error(`${result.kind}: ${result.message}`);
  return result.report as Report<Details>;
}

function codes(report: Report): string[] {
  return report.findings.map((finding) => finding.code);
}

/** A fake machine: cgroup files and /proc entries written under a scratch folder. */
function fakeMachine(name: string, files: Record<string, string>): Tool {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, "cgroup"), { recursive: true });
  mkdirSync(join(root, "proc"), { recursive: true });
  return memorySplitTool({ cgroupRoot: join(root, "cgroup"), procRoot: join(root, "proc") });
}

const meminfo = "MemTotal:       16384000 kB\nMemFree:         1000000 kB\n";

describe.skipIf(javaMissing)("calculate_memory_split against the real JVM", () => {
  it("the JVM takes the Paketo 1 GiB split exactly as computed", async () => {
    const report = await run({
      workload: "mojo-scoring",
      memory_limit: "1Gi",
      loaded_classes: 16_526,
    });
    const { budget, live_check: live, jvm_default_heap: defaults } = report.details;
    expect(budget.total_bytes).toBe(GiB);
    expect(report.details.flags).toEqual([
      "-Xmx418m",
      "-Xss1m",
      "-XX:MaxMetaspaceSize=109850800",
      "-XX:ReservedCodeCacheSize=240m",
      "-XX:MaxDirectMemorySize=10m",
    ]);
    expect(live?.version).toMatch(/^17\./);
    expect(live?.reported).toMatchObject({
      MaxHeapSize: 418 * MiB,
      MaxMetaspaceSize: 109_850_800,
      ReservedCodeCacheSize: 240 * MiB,
      ThreadStackSize: MiB,
      MaxDirectMemorySize: 10 * MiB,
    });
    expect(live?.mismatches).toEqual([]);
    expect(defaults).toEqual({ predicted_bytes: 256 * MiB, measured_bytes: 256 * MiB });
    expect(report.metrics.jvm_default_heap_measured_bytes).toBe(256 * MiB);
    expect(codes(report)).toEqual(["MEM003"]);
    expect(report.status).toBe("pass");
    expect(() => publicOutputSchema(calculateMemorySplit).parse(report)).not.toThrow();
  });

  it("the JVM takes a 4 GiB XGBoost split with the heap at 2/3", async () => {
    const report = await run({ workload: "h2o-training-xgboost", memory_limit: "4Gi" });
    const { budget, live_check: live } = report.details;
    expect(budget.heap_bytes).toBe(2730 * MiB);
    expect(budget.total_bytes).toBe(4 * GiB);
    expect(live?.reported.MaxHeapSize).toBe(budget.heap_bytes);
    expect(live?.reported.MaxMetaspaceSize).toBe(budget.metaspace_bytes);
    expect(live?.mismatches).toEqual([]);
    expect(report.details.jvm_default_heap.measured_bytes).toBe(GiB);
  });

  it("measures the default heap for MaxRAM 1g, 2g and 8g as 256, 512 and 2048 MiB", async () => {
    const signal = new AbortController().signal;
    const limits: [string, number, number][] = [
      ["1g", GiB, 256],
      ["2g", 2 * GiB, 512],
      ["8g", 8 * GiB, 2048],
      ["200m", 200 * MiB, 100],
      ["256m", 256 * MiB, 126],
      ["1000000000", 1e9, 240],
    ];
    for (const [maxRam, limitBytes, heapMiB] of limits) {
      const result = await printFlagsFinal("java", [`-XX:MaxRAM=${maxRam}`], signal, 30_000);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const measured = reportedFlags(result.flags).MaxHeapSize;
      expect(measured, `MaxRAM=${maxRam}`).toBe(heapMiB * MiB);
      expect(jvmDefaultHeapBytes(limitBytes)).toBe(measured);
    }
  });

  it("aligns a big heap so the JVM keeps it, and flags lost compressed oops", async () => {
    const report = await run({ workload: "h2o-training", memory_limit: "48Gi" });
    const { budget, live_check: live } = report.details;
    expect(budget.total_bytes).toBe(48 * GiB);
    expect(live?.reported.MaxHeapSize).toBe(budget.heap_bytes);
    expect(live?.reported.UseCompressedOops).toBe(false);
    expect(codes(report)).toContain("MEM012");
    expect(codes(report)).not.toContain("MEM009");
  });

  it("reports flags the JVM refuses", async () => {
    const report = await run({
      workload: "mojo-scoring",
      memory_limit: "1Gi",
      thread_stack_size: "16Ki",
    });
    const refused = report.findings.find((finding) => finding.code === "MEM011");
    expect(refused?.detail).toMatch(/thread stack size specified is too small/);
    expect(report.status).toBe("fail");
    expect(report.details.live_check).toBeNull();
  });

  it("refuses a java that is not a java binary", async () => {
    const result = await invokeTool(
      calculateMemorySplit,
      { workload: "mojo-scoring", memory_limit: "1Gi", java: "/bin/rm" },
      { config: defaultConfig(), log: silentLogger },
    );
    expect(result).toMatchObject({ ok: false, kind: "input" });
    expect(!result.ok && result.message).toMatch(/^java: "\/bin\/rm" is not a java binary/);
  });

  it("runs the java of a configured target", async () => {
    const path = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    const config: Config = configSchema.parse({ targets: { jdk17: { kind: "java", path } } });
    const report = await run(
      { workload: "mojo-scoring", memory_limit: "2Gi", java: "jdk17" },
      calculateMemorySplit,
      { config },
    );
    expect(report.details.live_check?.java).toBe(path);
  });

  it("stops the JVM and reports the cancel when the caller aborts mid-run", async () => {
    const controller = new AbortController();
    const result = await invokeTool(
      calculateMemorySplit,
      { workload: "mojo-scoring", memory_limit: "1Gi" },
      {
        config: defaultConfig(),
        log: silentLogger,
        signal: controller.signal,
        onProgress: (update) => {
          if (update.progress === 3) controller.abort();
        },
      },
    );
    expect(result).toMatchObject({ ok: false, kind: "cancelled" });
  });
});

describe.skipIf(javaMissing)("calculate_memory_split reusing the JVM's answers", () => {
  // A `java` of its own that runs the real one, so the test can give it a new modification time.
  const wrapper = join(scratch, "jdk-wrapper", "bin", "java");
  mkdirSync(join(wrapper, ".."), { recursive: true });
  writeFileSync(wrapper, '#!/bin/sh\nexec java "$@"\n');
  chmodSync(wrapper, 0o755);
  const input = { workload: "mojo-scoring", memory_limit: "3Gi", java: wrapper };

  it("starts the JVM twice, then answers the same flags from the cache alike", async () => {
    clearJvmAnswers();
    const first = await run(input);
    const second = await run(input);
    expect(first.metrics.jvm_starts).toBe(2);
    expect(first.details.live_check?.from_cache).toBe(false);
    expect(second.metrics.jvm_starts).toBe(0);
    expect(second.details.live_check?.from_cache).toBe(true);
    expect(second.details.live_check?.reported).toEqual(first.details.live_check?.reported);
    expect(second.details.jvm_default_heap).toEqual(first.details.jvm_default_heap);
    expect(second.findings).toEqual(first.findings);
  });

  it("asks the JVM again when the binary's modification time changes", async () => {
    await run(input);
    const later = new Date(Date.now() + 60_000);
    utimesSync(wrapper, later, later);
    const report = await run(input);
    expect(report.metrics.jvm_starts).toBe(2);
    expect(report.details.live_check?.from_cache).toBe(false);
  });

  it("asks the JVM again for different flags", async () => {
    await run(input);
    const report = await run({ ...input, jvm_threads: 100 });
    // The flags differ (-Xmx follows the thread stacks); the MaxRAM run is the same one.
    expect(report.metrics.jvm_starts).toBe(1);
  });

  it("caches a refusal too, and reports it the same way", async () => {
    const refused = { ...input, thread_stack_size: "16Ki" };
    const first = await run(refused);
    const second = await run(refused);
    expect(second.metrics.jvm_starts).toBe(0);
    const detail = (report: Report) => report.findings.find((f) => f.code === "MEM011")?.detail;
    expect(detail(second)).toBe(detail(first));
    expect(detail(second)).toMatch(/thread stack size specified is too small/);
  });
});

describe("calculate_memory_split with live checks off", () => {
  it("computes the same split without starting a JVM or reading MemTotal", async () => {
    const tool = fakeMachine("live-off", { "proc/meminfo": "MemTotal: 1048576 kB\n" });
    const report = await run(
      { workload: "mojo-scoring", memory_limit: "4Gi", live_checks: false },
      tool,
    );
    const checked = await run(
      { workload: "mojo-scoring", memory_limit: "4Gi", java: join(scratch, "none", "java") },
      tool,
    );
    expect(report.details.budget).toEqual(checked.details.budget);
    expect(report.details.flags).toEqual(checked.details.flags);
    expect(report.details.budget.total_bytes).toBe(4 * GiB);
    expect(report.details.live_check).toBeNull();
    expect(report.details.jvm_default_heap.measured_bytes).toBeNull();
    expect(report.metrics.jvm_starts).toBe(0);
    // The fake host has 1 GiB, so reading it would have raised MEM008; no JVM, so no MEM010.
    expect(codes(report)).not.toContain("MEM008");
    expect(codes(report)).not.toContain("MEM010");
    expect(report.summary).toContain("Live checks were off");
  });

  it("still reads MemTotal with live checks on", async () => {
    const tool = fakeMachine("live-on", { "proc/meminfo": "MemTotal: 1048576 kB\n" });
    const report = await run(
      { workload: "mojo-scoring", memory_limit: "4Gi", java: join(scratch, "none", "java") },
      tool,
    );
    expect(codes(report)).toContain("MEM008");
  });
});

describe("calculate_memory_split without a JVM", () => {
  it("still computes the split and says java could not run", async () => {
    const report = await run({
      workload: "mojo-scoring",
      memory_limit: "1Gi",
      java: join(scratch, "no-jdk", "bin", "java"),
    });
    expect(report.details.budget.total_bytes).toBe(GiB);
    expect(report.details.live_check).toBeNull();
    expect(report.details.jvm_default_heap).toEqual({
      predicted_bytes: 256 * MiB,
      measured_bytes: null,
    });
    const missing = report.findings.find((finding) => finding.code === "MEM010");
    expect(missing?.severity).toBe("low");
    expect(missing?.detail).toContain("ENOENT");
  });
});

describe("calculate_memory_split reading the machine", () => {
  const noJava = { java: join(scratch, "no-jdk", "bin", "java") };

  it("reads the limit from cgroup v2 memory.max", async () => {
    const tool = fakeMachine("v2", {
      "cgroup/memory.max": "2147483648\n",
      "proc/meminfo": meminfo,
    });
    const report = await run({ workload: "mojo-scoring", ...noJava }, tool);
    expect(report.details.memory_limit).toMatchObject({ bytes: 2 * GiB, source: "cgroup-v2" });
    expect(report.details.budget.total_bytes).toBe(2 * GiB);
  });

  it("prefers the process's own cgroup when /proc/self/cgroup names one", async () => {
    const tool = fakeMachine("own", {
      "proc/self/cgroup": "0::/kubepods/pod-1/scorer\n",
      "cgroup/memory.max": "max\n",
      "cgroup/kubepods/pod-1/scorer/memory.max": "3221225472\n",
      "proc/meminfo": meminfo,
    });
    const report = await run({ workload: "mojo-scoring", ...noJava }, tool);
    expect(report.details.memory_limit).toEqual({
      bytes: 3 * GiB,
      source: "cgroup-v2",
      path: join(scratch, "own", "cgroup", "kubepods/pod-1/scorer/memory.max"),
    });
  });

  it("reads the limit from cgroup v1 when there is no v2 file", async () => {
    const tool = fakeMachine("v1", {
      "cgroup/memory/memory.limit_in_bytes": "1073741824\n",
      "proc/meminfo": meminfo,
    });
    const report = await run({ workload: "mojo-scoring", ...noJava }, tool);
    expect(report.details.memory_limit).toMatchObject({ bytes: GiB, source: "cgroup-v1" });
  });

  it('falls back to MemTotal when memory.max is "max" or v1 unlimited, saying so', async () => {
    const unlimitedV2 = fakeMachine("max", {
      "cgroup/memory.max": "max\n",
      "proc/meminfo": meminfo,
    });
    const unlimitedV1 = fakeMachine("huge", {
      "cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
      "proc/meminfo": meminfo,
    });
    for (const tool of [unlimitedV2, unlimitedV1]) {
      const report = await run({ workload: "mojo-scoring", ...noJava }, tool);
      expect(report.details.memory_limit).toMatchObject({
        bytes: 16_384_000 * 1024,
        source: "meminfo",
      });
      const finding = report.findings.find((entry) => entry.code === "MEM007");
      expect(finding?.detail).toMatch(/"max"|no limit/);
    }
  });

  it("measures the RSS and peak of this test process from /proc", async () => {
    const report = await run({
      workload: "mojo-scoring",
      memory_limit: "4Gi",
      pids: [process.pid],
      ...noJava,
    });
    const [own] = report.details.processes;
    const rssNow = process.memoryUsage.rss();
    expect(own?.pid).toBe(process.pid);
    expect(own?.role).toBe("other");
    expect(own!.rss_bytes).toBeGreaterThan(rssNow * 0.5);
    expect(own!.rss_bytes).toBeLessThan(rssNow * 1.5);
    expect(own!.hwm_bytes).toBeGreaterThanOrEqual(own!.rss_bytes);
    expect(own!.share_bytes).toBe(4 * GiB - report.details.budget.headroom_bytes);
    expect(report.metrics[`pid_${process.pid}_rss_bytes`]).toBe(own!.rss_bytes);
  });

  it("holds a python worker to python_worker_rss and a java process to its own -Xmx", async () => {
    const tool = fakeMachine("procs", {
      "proc/meminfo": meminfo,
      "proc/301/status": "Name:\tuvicorn\nVmHWM:\t  307200 kB\nVmRSS:\t  262144 kB\n",
      "proc/301/cmdline": "/usr/bin/python3.11\0-m\0uvicorn\0app:app\0",
      "proc/302/status": "Name:\tjava\nVmHWM:\t  500000 kB\nVmRSS:\t  400000 kB\n",
      "proc/302/cmdline": "/usr/bin/java\0-Xmx3500m\0-jar\0scorer.jar\0",
    });
    const report = await run(
      {
        workload: "fastapi-mojo-scoring",
        memory_limit: "4Gi",
        python_workers: 2,
        python_worker_rss: "200Mi",
        pids: [301, 302],
        ...noJava,
      },
      tool,
    );
    const [worker, jvm] = report.details.processes;
    expect(worker).toMatchObject({ role: "python", rss_bytes: 256 * MiB, share_bytes: 200 * MiB });
    expect(jvm).toMatchObject({ role: "jvm", rss_bytes: 400_000 * 1024 });
    const overShare = report.findings.filter((finding) => finding.code === "MEM006");
    expect(overShare.map((finding) => finding.evidence.pid)).toEqual([301]);
    const tooBig = report.findings.find((finding) => finding.code === "MEM013");
    expect(tooBig?.evidence.source).toBe("pid 302");
  });

  it("names an unknown pid as an input error", async () => {
    const result = await invokeTool(
      calculateMemorySplit,
      { workload: "mojo-scoring", memory_limit: "1Gi", pids: [99_999_999] },
      { config: defaultConfig(), log: silentLogger },
    );
    expect(result).toMatchObject({ ok: false, kind: "input" });
    expect(!result.ok && result.message).toMatch(/^pids: no process 99999999/);
  });
});
