import {
  McpServer,
  type CallToolResult,
  type ServerContext,
  type StandardSchemaWithJSON,
  type ToolAnnotations,
} from "@modelcontextprotocol/server";
import type { z } from "zod";
import { scrubSecrets, secretsOf, type Config } from "../infra/config.js";
import type { Logger } from "../infra/logger.js";
import { serverInstructions, type Skill } from "../skill/index.js";
import type { ProgressUpdate, ToolDefinition } from "../tools/contract.js";
import { invokeTool, publicInputSchema, publicOutputSchema } from "./invoke.js";
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
    // Logging carries each tool's step log to the client, beside stderr.
    { instructions: serverInstructions(options.skill), capabilities: { logging: {} } },
  );

  for (const tool of tools) registerTool(server, tool, options);
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

function registerTool(server: McpServer, tool: ToolDefinition, options: McpServerOptions): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: advertisedOnly(publicInputSchema(tool)),
      outputSchema: withCachedJsonSchema(publicOutputSchema(tool)),
      annotations: annotationsFor(tool),
    },
    (args: unknown, ctx: ServerContext) => callTool(tool, args, ctx, options),
  );
}

async function callTool(
  tool: ToolDefinition,
  args: unknown,
  ctx: ServerContext,
  options: McpServerOptions,
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
    log: clientLogger(options.log, ctx, secretsOf(options.config), serverName),
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

/**
 * Writes each line to the server's own log and sends it to the client as a log notification,
 * which the client filters by the level it set. Secrets are removed from what leaves the process.
 */
function clientLogger(
  base: Logger,
  ctx: ServerContext,
  secrets: readonly string[],
  scope: string,
): Logger {
  const send = (level: "debug" | "info" | "warning", message: string) => {
    ctx.mcpReq.log(level, scrubSecrets(message, secrets), scope).catch(() => undefined);
  };
  return {
    debug: (message) => {
      base.debug(message);
      send("debug", message);
    },
    info: (message) => {
      base.info(message);
      send("info", message);
    },
    warn: (message) => {
      base.warn(message);
      send("warning", message);
    },
    child: (child) => clientLogger(base.child(child), ctx, secrets, `${scope}:${child}`),
  };
}

type JsonSchemaOptions = Parameters<StandardSchemaWithJSON["~standard"]["jsonSchema"]["input"]>[0];
type JsonSchema = ReturnType<StandardSchemaWithJSON["~standard"]["jsonSchema"]["input"]>;

// The SDK converts every schema on every tools/list, and the HTTP transport builds a server per
// request; a tool's schemas never change, so each is converted once per process.
const convertedSchemas = new WeakMap<z.ZodType, Map<string, JsonSchema>>();

function cachedJsonSchema(
  schema: z.ZodType,
  io: "input" | "output",
  options: JsonSchemaOptions,
): JsonSchema {
  let converted = convertedSchemas.get(schema);
  if (!converted) convertedSchemas.set(schema, (converted = new Map()));
  const key = `${io} ${JSON.stringify(options)}`;
  let json = converted.get(key);
  if (!json) converted.set(key, (json = schema["~standard"].jsonSchema[io](options)));
  return json;
}

function jsonSchemaOf(schema: z.ZodType): StandardSchemaWithJSON["~standard"]["jsonSchema"] {
  return {
    input: (options) => cachedJsonSchema(schema, "input", options),
    output: (options) => cachedJsonSchema(schema, "output", options),
  };
}

/** The report schema, validated by zod as before, with its JSON Schema converted only once. */
function withCachedJsonSchema(schema: z.ZodType): StandardSchemaWithJSON {
  return { "~standard": { ...schema["~standard"], jsonSchema: jsonSchemaOf(schema) } };
}

/**
 * Advertises the tool's input schema but lets every argument through to invokeTool, which
 * validates once for the server and the command line alike and names each bad field.
 */
function advertisedOnly(schema: z.ZodObject): StandardSchemaWithJSON {
  return {
    "~standard": {
      version: 1,
      vendor: "ml-optimizer",
      validate: (value: unknown) => ({ value }),
      jsonSchema: jsonSchemaOf(schema),
    },
  };
}
