import { calculateMemorySplit } from "../tools/calculate_memory_split/index.js";
import type { ToolDefinition } from "../tools/contract.js";
import { suggestTools } from "../tools/suggest_tools/index.js";
import { validateMojoArtifact } from "../tools/validate_mojo_artifact/index.js";

/**
 * Every tool, in the order agents and `--help` list them. The server and the command line both
 * read this list, so a tool behaves the same whichever front end calls it.
 */
export const tools: readonly ToolDefinition[] = [
  calculateMemorySplit,
  validateMojoArtifact,
  suggestTools,
];

export function findTool(name: string): ToolDefinition | undefined {
  return tools.find((tool) => tool.name === name);
}

/** Tools a read-only server may expose: those that write nothing, even to scratch space. */
export function visibleTools(readOnly: boolean): readonly ToolDefinition[] {
  return readOnly ? tools.filter((tool) => tool.intent === "read-only") : tools;
}
