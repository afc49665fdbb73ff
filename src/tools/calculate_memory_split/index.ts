import { defineTool } from "../contract.js";
import { detailsSchema, inputSchema } from "./schema.js";

export interface MemorySplitOptions {
  /** Where the cgroup files live; tests point this at a fake tree. */
  cgroupRoot?: string;
  procRoot?: string;
  javaTimeoutMs?: number;
}

export function memorySplitTool(options: MemorySplitOptions = {}) {
  return defineTool({
    name: "calculate_memory_split",
    title: "Memory Split Calculator",
    description:
      "Splits a container's memory limit between JVM heap, metaspace, code cache, thread " +
      "stacks, direct memory, XGBoost native memory, Python workers and headroom so the sum " +
      "is exactly the limit, and returns the -Xmx/-Xss/-XX flags as a JAVA_TOOL_OPTIONS line. " +
      "Checks the flags with the real `java -XX:+PrintFlagsFinal`, compares with the JVM's " +
      "default heap for the limit, and measures the RSS of given pids. Use it when a JVM, H2O " +
      "or MOJO scoring container is OOM-killed, or before setting its limits. Reads only. " +
      "The first check of a java binary takes up to a few seconds (two short JVM starts); " +
      "the JVM's answers are then reused for the same binary and flags. live_checks=false " +
      "skips the JVM and the host's /proc/meminfo for a pure calculation in about a millisecond.",
    intent: "read-only",
    openWorld: true,
    inputSchema,
    detailsSchema,
    defaultTimeoutMs: 90_000,
    // The calculation and its checks load on the first call: tools/list needs only the schemas.
    run: async (input, context) => {
      const { runMemorySplit } = await import("./run.js");
      return runMemorySplit(input, context, options);
    },
  });
}

export const calculateMemorySplit = memorySplitTool();
