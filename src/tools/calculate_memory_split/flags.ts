import { isOverCommitted, type Budget, type BudgetInput } from "./budget.js";
import { jvmSize } from "./sizes.js";

/**
 * The flags that hold the JVM to its lines of the budget. When the fixed regions over-commit
 * the limit there is no heap that fits, so no -Xmx is given.
 */
export function jvmFlags(budget: Budget, input: BudgetInput): string[] {
  const flags = isOverCommitted(budget) ? [] : [`-Xmx${jvmSize(budget.heap_bytes)}`];
  flags.push(
    `-Xss${jvmSize(input.stackBytes)}`,
    `-XX:MaxMetaspaceSize=${jvmSize(budget.metaspace_bytes)}`,
    `-XX:ReservedCodeCacheSize=${jvmSize(budget.code_cache_bytes)}`,
    `-XX:MaxDirectMemorySize=${jvmSize(budget.direct_memory_bytes)}`,
  );
  return flags;
}

export function javaToolOptionsLine(flags: readonly string[]): string {
  return `JAVA_TOOL_OPTIONS="${flags.join(" ")}"`;
}

/**
 * glibc gives each thread its own malloc arena; capping them, as the Cloud Foundry Java
 * buildpack does, keeps native memory from growing with the thread count.
 */
export const mallocArenaLine = "MALLOC_ARENA_MAX=2";
