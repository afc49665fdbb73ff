import { basename } from "node:path";
import { resolveTarget } from "../../infra/config.js";
import { InputError } from "../../infra/errors.js";
import type { ToolContext, ToolOutcome } from "../contract.js";
import { isOverCommitted, jvmDefaultMaxRamBytes } from "./budget.js";
import { planFindings } from "./findings.js";
import { mallocArenaLine } from "./flags.js";
import { heapSettingsOf, splitJavaOptions, type HeapSettings } from "./java_options.js";
import { flagMismatches, reportedFlags, type JvmRun } from "./jvm.js";
import { askJvm, locateJava } from "./jvm_cache.js";
import { detectMemoryLimit, readMemTotalBytes, type DetectedLimit } from "./limit.js";
import { jvmFindings, processFindings, type LiveCheck } from "./live_findings.js";
import { buildPlan, type Plan } from "./plan.js";
import { measureProcess, type MeasuredProcess } from "./processes.js";
import type { Details, Input, ProcessMemory } from "./schema.js";
import { formatBytes, jvmSize, parseQuantity } from "./sizes.js";
import type { MemorySplitOptions } from "./index.js";
import { summarize, metricsOf } from "./summary.js";

const totalSteps = 5;

/** The tool's work, loaded on its first call so that listing the tools does not load it. */
export async function runMemorySplit(
  input: Input,
  context: ToolContext,
  options: MemorySplitOptions,
): Promise<ToolOutcome<Details>> {
  const cgroupRoot = options.cgroupRoot ?? "/sys/fs/cgroup";
  const procRoot = options.procRoot ?? "/proc";
  const javaTimeoutMs = options.javaTimeoutMs ?? 30_000;

  context.progress({ progress: 0, total: totalSteps, message: "reading the memory limit" });
  const limit = await memoryLimit(input, cgroupRoot, procRoot);
  context.log.info(
    `limit ${limit.bytes} B (${formatBytes(limit.bytes)}) from ${limit.source}` +
      (limit.path ? ` ${limit.path}` : ""),
  );
  const liveChecks = input.live_checks ?? true;
  const hostMemoryBytes = liveChecks
    ? await readMemTotalBytes(`${procRoot}/meminfo`).catch(() => null)
    : null;

  context.progress({ progress: 1, total: totalSteps, message: "measuring processes" });
  const measured: MeasuredProcess[] = [];
  for (const pid of input.pids ?? []) {
    context.signal.throwIfAborted();
    measured.push(await measureProcess(procRoot, pid));
  }
  const current = currentHeapSettings(input, measured);

  context.progress({ progress: 2, total: totalSteps, message: "computing the split" });
  const plan = buildPlan(input, limit, hostMemoryBytes, current);
  logPlan(context, plan);
  const processes = measured.map((process) => withShare(plan, process));
  for (const process of processes) {
    context.log.info(
      `pid ${process.pid} (${process.role}) rss ${process.rss_bytes} B, ` +
        `hwm ${process.hwm_bytes ?? "n/a"} B, share ${process.share_bytes} B`,
    );
  }

  const java = javaCommand(input, context);
  let live: LiveCheck;
  if (liveChecks) {
    context.progress({ progress: 3, total: totalSteps, message: "asking the real JVM" });
    live = await liveCheck(java, plan, context, javaTimeoutMs);
  } else {
    context.log.info("live checks off: no JVM started, the flags are unchecked");
    live = skippedLiveCheck(java);
  }

  context.progress({ progress: 4, total: totalSteps, message: "judging the split" });
  const findings = [
    ...planFindings(plan),
    ...jvmFindings(plan, live),
    ...processFindings(plan, processes),
  ];
  context.progress({ progress: totalSteps, total: totalSteps, message: "done" });

  return {
    target: `${input.workload} container, ${formatBytes(limit.bytes)} limit (${limit.source})`,
    summary: summarize(plan, live, findings),
    findings,
    metrics: metricsOf(plan, live, processes),
    details: {
      workload: input.workload,
      memory_limit: { bytes: limit.bytes, source: limit.source, path: limit.path },
      budget: plan.budget,
      flags: plan.flags,
      java_tool_options: plan.javaToolOptions,
      environment: [plan.javaToolOptions, mallocArenaLine],
      loaded_classes: {
        count: plan.loadedClasses.count,
        estimated: plan.loadedClasses.estimated,
        rule: classRule(plan, input),
      },
      jvm_default_heap: {
        predicted_bytes: plan.defaultHeapBytes,
        measured_bytes: live.measuredDefaultHeapBytes,
      },
      live_check:
        live.flagsRun?.ok && live.reported
          ? {
              java,
              version: live.flagsRun.version,
              reported: live.reported,
              mismatches: live.mismatches,
              from_cache: live.flagsFromCache,
            }
          : null,
      processes: processes.map(({ arguments: _arguments, ...process }) => process),
    },
  };
}

async function memoryLimit(
  input: Input,
  cgroupRoot: string,
  procRoot: string,
): Promise<DetectedLimit> {
  if (input.memory_limit !== undefined) {
    const bytes = parseQuantity(input.memory_limit);
    return { bytes, source: "input", path: null, unlimitedReason: null };
  }
  return detectMemoryLimit({ cgroupRoot, procRoot });
}

/**
 * A configured java target, else a path or command whose file name is `java`: the live check
 * passes JVM options to it, which must never reach some other program.
 */
function javaCommand(input: Input, context: ToolContext): string {
  if (input.java === undefined) return "java";
  if (context.config.targets[input.java]) {
    return resolveTarget(context.config, "java", input.java, "java").url;
  }
  if (!/^java(\.exe)?$/.test(basename(input.java))) {
    throw new InputError(
      "java",
      `"${input.java}" is not a java binary; pass the path of a \`java\` executable ` +
        "(e.g. /usr/lib/jvm/java-17-openjdk-amd64/bin/java) or a java target from the config",
    );
  }
  return input.java;
}

async function liveCheck(
  java: string,
  plan: Plan,
  context: ToolContext,
  timeoutMs: number,
): Promise<LiveCheck> {
  const binary = locateJava(java);
  // The JVM caps the memory it sizes its default heap from at MaxRAM (128 GiB by default).
  const maxRamBytes = Math.min(plan.limit.bytes, jvmDefaultMaxRamBytes);
  // The two JVMs are independent, so they start side by side: a cold check waits for one.
  const [flagsAnswer, defaultAnswer] = await Promise.all([
    isOverCommitted(plan.budget) ? null : askJvm(binary, plan.flags, context.signal, timeoutMs),
    askJvm(binary, [`-XX:MaxRAM=${jvmSize(maxRamBytes)}`], context.signal, timeoutMs),
  ]);
  const flagsRun: JvmRun | null = flagsAnswer?.run ?? null;
  const reported = flagsRun?.ok ? reportedFlags(flagsRun.flags) : null;
  const mismatches =
    reported === null
      ? []
      : flagMismatches(
          {
            heapBytes: plan.budget.heap_bytes,
            metaspaceBytes: plan.budget.metaspace_bytes,
            codeCacheBytes: plan.budget.code_cache_bytes,
            stackBytes: plan.budgetInput.stackBytes,
            directMemoryBytes: plan.budget.direct_memory_bytes,
          },
          reported,
        );
  if (reported) {
    context.log.info(
      `JVM took MaxHeapSize=${reported.MaxHeapSize} ` +
        `MaxMetaspaceSize=${reported.MaxMetaspaceSize} ` +
        `ReservedCodeCacheSize=${reported.ReservedCodeCacheSize} ThreadStackSize=` +
        `${reported.ThreadStackSize} MaxDirectMemorySize=${reported.MaxDirectMemorySize} ` +
        `(${mismatches.length} mismatches${flagsAnswer?.fromCache ? ", cached answer" : ""})`,
    );
  } else if (flagsRun && !flagsRun.ok) {
    context.log.info(`flags not checked by a JVM: ${flagsRun.message}`);
  }

  const defaultRun = defaultAnswer.run;
  const measuredDefaultHeapBytes = defaultRun.ok
    ? (reportedFlags(defaultRun.flags).MaxHeapSize ?? null)
    : null;
  context.log.info(
    `default heap for ${maxRamBytes} B: predicted ${plan.defaultHeapBytes} B, measured ` +
      `${measuredDefaultHeapBytes ?? "n/a"} B${defaultAnswer.fromCache ? " (cached answer)" : ""}`,
  );
  const answers = [flagsAnswer, defaultAnswer].filter((answer) => answer !== null);
  return {
    java,
    skipped: false,
    flagsRun,
    flagsFromCache: flagsAnswer?.fromCache ?? false,
    reported,
    mismatches,
    defaultRun,
    measuredDefaultHeapBytes,
    jvmStarts: answers.filter(
      ({ run, fromCache }) => !fromCache && (run.ok || run.reason !== "missing"),
    ).length,
  };
}

function skippedLiveCheck(java: string): LiveCheck {
  return {
    java,
    skipped: true,
    flagsRun: null,
    flagsFromCache: false,
    reported: null,
    mismatches: [],
    defaultRun: null,
    measuredDefaultHeapBytes: null,
    jvmStarts: 0,
  };
}

function withShare(plan: Plan, process: MeasuredProcess): MeasuredProcess & ProcessMemory {
  const { budget } = plan;
  const jvmShare =
    budget.heap_bytes +
    budget.metaspace_bytes +
    budget.code_cache_bytes +
    budget.thread_stacks_bytes +
    budget.direct_memory_bytes +
    budget.native_reserve_bytes;
  const share =
    process.role === "jvm"
      ? jvmShare
      : process.role === "python" && plan.budgetInput.pythonWorkers > 0
        ? plan.budgetInput.pythonWorkerBytes
        : plan.limit.bytes - budget.headroom_bytes;
  return { ...process, share_bytes: share };
}

function currentHeapSettings(input: Input, measured: MeasuredProcess[]): HeapSettings[] {
  const current: HeapSettings[] = [];
  if (input.current_java_options !== undefined) {
    const options = splitJavaOptions(input.current_java_options);
    current.push(heapSettingsOf(options, "current_java_options"));
  }
  for (const process of measured.filter((entry) => entry.role === "jvm")) {
    current.push(heapSettingsOf(process.arguments, `pid ${process.pid}`));
  }
  return current;
}

function logPlan(context: ToolContext, plan: Plan): void {
  const { budget, loadedClasses } = plan;
  context.log.info(
    `loaded classes ${loadedClasses.count}${loadedClasses.estimated ? " (estimated)" : ""} ` +
      `-> metaspace ${budget.metaspace_bytes} B`,
  );
  context.log.info(
    `calculator heap ${budget.calculator_heap_bytes} B -> heap ${budget.heap_bytes} B, ` +
      `native reserve ${budget.native_reserve_bytes} B, headroom ${budget.headroom_bytes} B, ` +
      `total ${budget.total_bytes} B, over-commit ${budget.over_commit_bytes} B`,
  );
  context.log.info(`flags ${plan.flags.join(" ")}; JVM default heap ${plan.defaultHeapBytes} B`);
}

function classRule(plan: Plan, input: Input): string {
  const { loadedClasses } = plan;
  if (input.metaspace !== undefined) return "metaspace given directly";
  if (!loadedClasses.estimated) return "loaded_classes given";
  const origin = input.app_classes === undefined ? "default" : "given";
  return `ceil(0.35 x (42,215 JDK + ${loadedClasses.appClasses} ${origin} app classes))`;
}
