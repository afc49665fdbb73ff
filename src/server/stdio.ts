import {
  serveStdio as serveSdkStdio,
  type StdioServerHandle,
} from "@modelcontextprotocol/server/stdio";
import { errorMessage } from "../infra/errors.js";
import { createMcpServer, type McpServerOptions } from "./server.js";

/**
 * Serves MCP on this process's stdin and stdout. The SDK picks the protocol era from the
 * client's opening message (2025-11-25 `initialize` or a 2026-07-28 request) and pins one
 * server to the connection. Stdout carries nothing but JSON-RPC: logs go to stderr.
 */
export function serveStdio(options: McpServerOptions): StdioServerHandle {
  return serveSdkStdio(() => createMcpServer(options), {
    onerror: (error) => options.log.warn(`stdio transport: ${errorMessage(error)}`),
  });
}
