import {
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { scrubSecrets } from "../infra/config.js";
import type { Logger } from "../infra/logger.js";

const severity: Record<LoggingLevel, number> = {
  debug: 0,
  info: 1,
  notice: 2,
  warning: 3,
  error: 4,
  critical: 5,
  alert: 6,
  emergency: 7,
};

/** The level one connection's client asked for with `logging/setLevel`; none until it asks. */
export interface ClientLogLevel {
  level?: LoggingLevel;
}

/**
 * Takes over `logging/setLevel` so the server knows whether the client asked for log messages at
 * all. Left to itself the SDK sends every line to a 2025-11-25 client that never asked, which
 * made each tool call several notifications longer; a 2026-07-28 client asks per request.
 */
export function trackClientLogLevel(server: McpServer): ClientLogLevel {
  const asked: ClientLogLevel = {};
  server.server.setRequestHandler("logging/setLevel", (request) => {
    asked.level = request.params.level;
    return {};
  });
  return asked;
}

/** The level this request's client wants, from its 2026 `_meta` envelope or its setLevel. */
function requestedLevel(ctx: ServerContext, asked: ClientLogLevel): LoggingLevel | undefined {
  const envelope: Record<string, unknown> = ctx.mcpReq.envelope ?? {};
  const level = envelope[LOG_LEVEL_META_KEY];
  return typeof level === "string" && level in severity ? (level as LoggingLevel) : asked.level;
}

/**
 * Writes each line to the server's own log and, when the client asked for messages at that
 * level, sends it as a log notification. Secrets are removed from what leaves the process.
 */
export function clientLogger(
  base: Logger,
  ctx: ServerContext,
  asked: ClientLogLevel,
  secrets: readonly string[],
  scope: string,
): Logger {
  const send = (level: "debug" | "info" | "warning", message: string) => {
    const threshold = requestedLevel(ctx, asked);
    if (threshold === undefined || severity[level] < severity[threshold]) return;
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
    child: (child) => clientLogger(base.child(child), ctx, asked, secrets, `${scope}:${child}`),
  };
}
