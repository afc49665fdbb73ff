import {
  McpServer,
  type CallToolResult,
  type ServerContext,
  type ToolAnnotations,
} from "@modelcontextprotocol/server";
import { secretsOf, type Config } from "../infra/config.js";
import type { Logger } from "../infra/logger.js";
import { serverInstructions, type Skill } from "../skill/index.js";
import type { ProgressUpdate, ToolDefinition } from "../tools/contract.js";
import { clientLogger, trackClientLogLevel, type ClientLogLevel } from "./client-log.js";
import { invokeTool, publicInputSchema, publicOutputSchema } from "./invoke.js";
import { advertisedOnly, withCachedJsonSchema } from "./json-schemas.js";
import { registerPrompts } from "./prompts.js";
import { visibleTools } from "./registry.js";
import { skillsExtensionFor } from "./skill-resources.js";

export const serverName = "ml-optimizer";

export interface McpServerOptions {
  config: Config;
  log: Logger;
  skill: Skill;
  version: string;
  /** The tools to serve; the registry's visible tools unless a test brings its own. */
  tools?: readonly ToolDefinition[];
}

/**
 * One MCP server over the tool registry, the skill and its prompts. The transports call this
 * once per connection (stdio) or per request (HTTP), so it only wires things up.
 */
export function createMcpServer(options: McpServerOptions): McpServer {
  const tools = options.tools ?? visibleTools(options.config.read_only);
  const server = new McpServer(
    { name: serverName, title: "ML Optimizer", version: options.version },
    // Logging carries each tool's step log to a client that asks for it, beside stderr.
    { instructions: serverInstructions(options.skill), capabilities: { logging: {} } },
  );
  const clientLogLevel = trackClientLogLevel(server);

  for (const tool of tools) registerTool(server, tool, options, clientLogLevel);
  skillsExtensionFor(options.skill).attach(server);
  registerPrompts(server, options.skill, tools, options.config);
  return server;
}

/** Annotations follow from the tool's declared intent, so no tool can claim them by hand. */
export function annotationsFor(tool: ToolDefinition): ToolAnnotations {
  return {
    title: tool.title,
    readOnlyHint: tool.intent === "read-only",
    destructiveHint: false,
    // Experiments write only to scratch space and clean up, so a repeat leaves nothing more.
    idempotentHint: true,
    openWorldHint: tool.openWorld,
  };
}

function registerTool(
  server: McpServer,
  tool: ToolDefinition,
  options: McpServerOptions,
  clientLogLevel: ClientLogLevel,
): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: advertisedOnly(publicInputSchema(tool)),
      outputSchema: withCachedJsonSchema(publicOutputSchema(tool)),
      annotations: annotationsFor(tool),
    },
    (args: unknown, ctx: ServerContext) => callTool(tool, args, ctx, options, clientLogLevel),
  );
}

async function callTool(
  tool: ToolDefinition,
  args: unknown,
  ctx: ServerContext,
  options: McpServerOptions,
  clientLogLevel: ClientLogLevel,
): Promise<CallToolResult> {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const onProgress =
    progressToken === undefined
      ? undefined
      : (update: ProgressUpdate) => {
          ctx.mcpReq
            .notify({ method: "notifications/progress", params: { progressToken, ...update } })
            .catch((error: unknown) => {
              options.log.debug(`progress for ${tool.name} not delivered: ${String(error)}`);
            });
        };

  const outcome = await invokeTool(tool, args, {
    config: options.config,
    log: clientLogger(options.log, ctx, clientLogLevel, secretsOf(options.config), serverName),
    signal: ctx.mcpReq.signal,
    onProgress,
  });
  if (!outcome.ok) {
    return { isError: true, content: [{ type: "text", text: outcome.message }] };
  }
  return {
    structuredContent: outcome.report as unknown as Record<string, unknown>,
    content: [{ type: "text", text: JSON.stringify(outcome.report) }],
  };
}
