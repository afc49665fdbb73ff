import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, isLegacyRequest } from "@modelcontextprotocol/server";
import { errorMessage } from "../infra/errors.js";
import { LegacySessions } from "./http-sessions.js";
import { visibleTools } from "./registry.js";
import { createMcpServer, serverName, type McpServerOptions } from "./server.js";

export interface HttpServeOptions extends McpServerOptions {
  port: number;
  /** Bind address; loopback unless a container needs 0.0.0.0. */
  host?: string;
  /**
   * Extra names clients may reach the server by (`mlo.internal`, or `mlo.internal:9000` to pin
   * the port), for a server behind a proxy or a published container port.
   */
  allowedHosts?: readonly string[];
}

export interface HttpServerHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:8080/mcp. */
  url: string;
  close(): Promise<void>;
}

export const mcpPath = "/mcp";
export const healthPath = "/health";

const loopbackNames = ["localhost", "127.0.0.1", "[::1]"];

/** Splits a Host header or an allowlist entry into a lowercase name and an optional port. */
function splitHost(value: string): { name: string; port?: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), port: match[2] };
}

/**
 * DNS-rebinding defence: a page on evil.example that resolves its name to 127.0.0.1 still sends
 * `Host: evil.example`, so only loopback names with this server's port, and the names the
 * operator added, are served.
 */
export function hostAllowed(
  header: string | undefined,
  port: number,
  allowed: readonly string[],
): boolean {
  const host = header === undefined ? undefined : splitHost(header);
  if (!host) return false;
  if (loopbackNames.includes(host.name) && host.port === String(port)) return true;
  return allowed.some((entry) => {
    const allowedHost = splitHost(entry);
    if (!allowedHost || allowedHost.name !== host.name) return false;
    return allowedHost.port === undefined || allowedHost.port === host.port;
  });
}

/**
 * Cross-site requests from a browser carry the page's Origin; only loopback pages (any port, so
 * a local inspector works) and the operator's names may call tools. Clients that are not
 * browsers send no Origin and pass.
 */
export function originAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (header === undefined || header === "") return true;
  let origin: URL;
  try {
    origin = new URL(header);
  } catch {
    return false;
  }
  if (origin.protocol !== "http:" && origin.protocol !== "https:") return false;
  const name = origin.hostname.toLowerCase();
  if (loopbackNames.includes(name)) return true;
  return allowed.some((entry) => splitHost(entry)?.name === name);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function forbid(res: ServerResponse, message: string): void {
  sendJson(res, 403, { jsonrpc: "2.0", error: { code: -32000, message }, id: null });
}

/**
 * Serves MCP over Streamable HTTP at /mcp for both protocol eras: 2026-07-28 requests on a
 * per-request server, 2025-era clients on a server per session. GET /health answers container
 * health checks.
 */
export async function serveHttp(options: HttpServeOptions): Promise<HttpServerHandle> {
  const host = options.host ?? "127.0.0.1";
  const allowedHosts = options.allowedHosts ?? [];
  const log = options.log.child("http");
  const onerror = (error: Error) => log.warn(errorMessage(error));
  const modern = createMcpHandler(() => createMcpServer(options), { legacy: "reject", onerror });
  const legacy = new LegacySessions(options, log);
  const handleMcp = toNodeHandler(
    {
      fetch: async (request: Request) =>
        (await isLegacyRequest(request)) ? legacy.fetch(request) : modern.fetch(request),
    },
    { onerror },
  );
  const toolCount = (options.tools ?? visibleTools(options.config.read_only)).length;
  let port = options.port;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    log.debug(`${req.method} ${path}`);
    if (!hostAllowed(req.headers.host, port, allowedHosts)) {
      forbid(res, `Host ${req.headers.host ?? "(none)"} is not allowed; use localhost:${port}`);
      return;
    }
    if (!originAllowed(req.headers.origin, allowedHosts)) {
      forbid(res, `Origin ${req.headers.origin} is not allowed`);
      return;
    }

    if (path === healthPath && (req.method === "GET" || req.method === "HEAD")) {
      sendJson(res, 200, {
        status: "ok",
        name: serverName,
        version: options.version,
        tools: toolCount,
      });
    } else if (path === mcpPath) {
      handleMcp(req, res).catch((error: unknown) => {
        log.warn(`${req.method} ${mcpPath} failed: ${errorMessage(error)}`);
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      });
    } else {
      sendJson(res, 404, { error: `nothing at ${path}; MCP is at ${mcpPath}` });
    }
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot listen on ${host}:${options.port} (${error.code ?? error.message}); ` +
            "pick another --port or stop what holds it",
        ),
      ),
    );
    server.listen(options.port, host, () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;

  const wildcard = host === "0.0.0.0" || host === "::";
  const urlHost = wildcard ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}${mcpPath}`,
    close: async () => {
      await modern.close();
      await legacy.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}
