import type { Config } from "../infra/config.js";
import type { Logger } from "../infra/logger.js";
import type { RunResult } from "../report/render.js";
import { invokeTool } from "../server/invoke.js";
import { findTool, tools } from "../server/registry.js";
import type { ToolDefinition } from "../tools/contract.js";
import { usageError } from "./context.js";

export function requireTool(name: string, where = "tool"): ToolDefinition {
  const tool = findTool(name);
  if (tool) return tool;
  const known = tools.map((candidate) => candidate.name).join(", ") || "(none registered)";
  throw usageError(`${where}: unknown tool \`${name}\`; known tools: ${known}`);
}

/** One line per tool for `--help`: name, then the first sentence of its description. */
export function toolListing(): string {
  if (tools.length === 0) return "  (no tools registered)";
  const width = Math.max(...tools.map((tool) => tool.name.length));
  return tools
    .map((tool) => {
      const firstSentence = tool.description.split(/(?<=\.)\s/, 1)[0]!;
      return `  ${tool.name.padEnd(width)}  ${firstSentence}`;
    })
    .join("\n");
}

export interface RunToolOptions {
  config: Config;
  log: Logger;
  signal?: AbortSignal;
  /** Prints progress notifications to stderr, one line each. */
  progress?: boolean;
}

/** Runs one tool through the same path the MCP server uses, so both behave alike. */
export async function runTool(
  tool: ToolDefinition,
  input: Record<string, unknown>,
  name: string,
  options: RunToolOptions,
): Promise<RunResult> {
  const log = options.log;
  log.info(`running ${tool.name}${name === tool.name ? "" : ` as "${name}"`}`);
  const invocation = await invokeTool(tool, input, {
    config: options.config,
    log,
    signal: options.signal,
    onProgress: options.progress
      ? (update) => {
          const total = update.total === undefined ? "" : `/${update.total}`;
          log.info(`${tool.name}: ${update.progress}${total} ${update.message ?? ""}`.trimEnd());
        }
      : undefined,
  });
  if (invocation.ok) return { name, tool: tool.name, report: invocation.report };
  return { name, tool: tool.name, error: { kind: invocation.kind, message: invocation.message } };
}
