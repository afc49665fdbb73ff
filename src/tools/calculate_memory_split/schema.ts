import { z } from "zod";
import { workloads } from "./budget.js";
import { quantityProblem } from "./sizes.js";

function quantity(description: string) {
  return z
    .union([
      z.number().int("must be a whole number of bytes").positive("must be above 0 bytes"),
      z
        .string()
        .refine((value) => quantityProblem(value) === undefined, {
          error: (issue) => quantityProblem(String(issue.input)) ?? "unreadable quantity",
        })
        .refine((value) => !/^\s*0+(\.0+)?\s*[A-Za-z]*\s*$/.test(value), "must be above 0 bytes"),
    ])
    .optional()
    .describe(description);
}

export const inputSchema = z.object({
  workload: z
    .enum(workloads, {
      error: `workload must be one of ${workloads.join(", ")}`,
    })
    .describe(
      "What the container runs: h2o-training (an H2O node, heap takes the rest), " +
        "h2o-training-xgboost (H2O with XGBoost: heap capped at 2/3, the rest is native " +
        "memory), mojo-scoring (a Java service scoring MOJOs), fastapi-mojo-scoring (Python " +
        "FastAPI workers beside one JVM that scores the MOJO)",
    ),
  memory_limit: quantity(
    "Container memory limit: a Kubernetes quantity (4Gi, 512Mi are powers of two; 1G, 800M " +
      "powers of ten) or a byte count. Omit to read this machine's cgroup (memory.max, then " +
      "memory.limit_in_bytes; /proc/meminfo when there is no limit)",
  ),
  headroom_percent: z
    .number()
    .min(0, "headroom_percent must be 0 or more")
    .max(90, "headroom_percent above 90 leaves nothing to split; use 0-90")
    .optional()
    .describe("Share of the limit kept free of every region (default 0, like Paketo)"),
  jvm_threads: z
    .number()
    .int()
    .min(1, "jvm_threads must be at least 1")
    .max(100_000, "jvm_threads above 100000 is not a real service; check the number")
    .optional()
    .describe("Threads the JVM will run, each with a stack of -Xss (default 250, like Paketo)"),
  thread_stack_size: quantity("Stack per JVM thread, -Xss (default 1Mi)"),
  direct_memory: quantity("NIO direct buffer limit, -XX:MaxDirectMemorySize (default 10Mi)"),
  code_cache: quantity("JIT code cache, -XX:ReservedCodeCacheSize (default 240Mi)"),
  metaspace: quantity(
    "Class metadata limit, -XX:MaxMetaspaceSize; default 5800 B x loaded_classes + 14 MB",
  ),
  loaded_classes: z
    .number()
    .int()
    .min(1, "loaded_classes must be at least 1")
    .max(10_000_000, "loaded_classes above 10 million is implausible; check the number")
    .optional()
    .describe(
      "Classes the JVM loads (`jcmd <pid> VM.classloader_stats` or `jstat -class <pid>`); " +
        "when omitted it is estimated as ceil(0.35 x (42,215 JDK classes + app_classes))",
    ),
  app_classes: z
    .number()
    .int()
    .min(0, "app_classes must be 0 or more")
    .max(10_000_000)
    .optional()
    .describe(
      "Classes in the application's jars, used only to estimate loaded_classes " +
        "(default 30,000 for H2O training, 5,000 for MOJO scoring; both are estimates)",
    ),
  python_workers: z
    .number()
    .int()
    .min(1, "python_workers must be at least 1")
    .max(1024)
    .optional()
    .describe("fastapi-mojo-scoring only: uvicorn/gunicorn worker processes (default 1)"),
  python_worker_rss: quantity(
    "fastapi-mojo-scoring only: resident memory of one Python worker; measure it with `pids` " +
      "(default 200Mi, an estimate)",
  ),
  dataset_bytes: quantity("H2O training: size of the data to load; H2O wants about 4x in heap"),
  model_bytes: quantity(
    "Total size of the MOJO zip files the JVM keeps loaded; their heap is ~1-2.2x the zip size",
  ),
  pids: z
    .array(z.number().int().positive("pids must be positive process ids"))
    .max(64, "pids takes at most 64 processes")
    .optional()
    .describe(
      "Running processes of this container to measure (RSS and peak VmHWM from /proc); a " +
        "java process is held to the JVM's share, a python one to python_worker_rss",
    ),
  java: z
    .string()
    .min(1, "java must name a java binary or a configured java target")
    .optional()
    .describe(
      "The java binary the live checks run (path, or a java target from the config); " +
        "default `java` on PATH. It runs only `-XX:+PrintFlagsFinal -version`",
    ),
  live_checks: z
    .boolean()
    .optional()
    .describe(
      "Run the real JVM with the computed flags and read this machine's MemTotal (default " +
        "true). false returns the pure calculation at once: no JVM starts, the flags are unchecked",
    ),
  current_java_options: z
    .string()
    .max(10_000)
    .optional()
    .describe(
      "The JVM options the service runs with today (JAVA_TOOL_OPTIONS or its command line), " +
        "so the findings can say what is wrong with them",
    ),
});

const bytes = z.number().describe("bytes");

export const budgetSchema = z.object({
  heap_bytes: bytes,
  metaspace_bytes: bytes,
  code_cache_bytes: bytes,
  thread_stacks_bytes: bytes,
  direct_memory_bytes: bytes,
  native_reserve_bytes: bytes.describe("Native memory left for XGBoost (DMatrix, boosters)"),
  python_workers_bytes: bytes,
  headroom_bytes: bytes.describe("Kept free, including the heap's alignment remainder"),
  total_bytes: bytes.describe("Sum of the lines above; equals the limit when nothing over-commits"),
  calculator_heap_bytes: bytes.describe("Limit minus the fixed regions, before cap and alignment"),
  over_commit_bytes: bytes,
});

const reportedFlagsSchema = z.object({
  MaxHeapSize: z.number().nullable(),
  MaxMetaspaceSize: z.number().nullable(),
  ReservedCodeCacheSize: z.number().nullable(),
  ThreadStackSize: z.number().nullable().describe("bytes (the JVM prints KiB)"),
  MaxDirectMemorySize: z.number().nullable(),
  UseCompressedOops: z.boolean().nullable(),
  garbage_collector: z.string().nullable(),
});

export const detailsSchema = z.object({
  workload: z.enum(workloads),
  memory_limit: z.object({
    bytes: z.number(),
    source: z.enum(["input", "cgroup-v2", "cgroup-v1", "meminfo"]),
    path: z.string().nullable(),
  }),
  budget: budgetSchema,
  flags: z.array(z.string()).describe("JVM flags that enforce the budget"),
  java_tool_options: z.string().describe("Ready line: JAVA_TOOL_OPTIONS=..."),
  environment: z.array(z.string()).describe("Environment lines to set in the container"),
  loaded_classes: z.object({ count: z.number(), estimated: z.boolean(), rule: z.string() }),
  jvm_default_heap: z.object({
    predicted_bytes: z.number().describe("MaxRAMPercentage=25 ergonomics for this limit"),
    measured_bytes: z.number().nullable().describe("What the real JVM chose with -XX:MaxRAM"),
  }),
  live_check: z
    .object({
      java: z.string(),
      version: z.string().nullable(),
      reported: reportedFlagsSchema,
      mismatches: z.array(z.string()),
      from_cache: z
        .boolean()
        .describe(
          "True when the answer is reused from an earlier run in this server of the same java " +
            "binary (same file and modification time) with the same flags",
        ),
    })
    .nullable()
    .describe(
      "What the real JVM made of the flags; null when java could not run or live_checks is false",
    ),
  processes: z.array(
    z.object({
      pid: z.number(),
      command: z.string(),
      role: z.enum(["jvm", "python", "other"]),
      rss_bytes: z.number(),
      hwm_bytes: z.number().nullable(),
      share_bytes: z.number().describe("What the budget allows this process"),
    }),
  ),
});

export type Input = z.output<typeof inputSchema>;
export type Details = z.output<typeof detailsSchema>;
export type ReportedFlags = z.output<typeof reportedFlagsSchema>;
export type ProcessMemory = Details["processes"][number];
