import { randomUUID } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import type { Logger } from "../infra/logger.js";
import { createMcpServer, type McpServerOptions } from "./server.js";

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  close(): Promise<void>;
}

function jsonRpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status });
}

/**
 * Serves 2025-era clients with one server per session. A stateless fallback would answer each
 * request on a fresh server, so a `notifications/cancelled` could never reach the call it
 * cancels, and a long tool would run on after the client gave up.
 */
export class LegacySessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly options: McpServerOptions,
    private readonly log: Logger,
    private readonly maxSessions = 100,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  async fetch(request: Request): Promise<Response> {
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId !== null) {
      const session = this.sessions.get(sessionId);
      if (!session) return jsonRpcError(404, `session ${sessionId} not found; initialize again`);
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, session);
      return session.transport.handleRequest(request);
    }
    if (request.method !== "POST") {
      return jsonRpcError(400, "an Mcp-Session-Id header is required; initialize first");
    }
    return this.open(request);
  }

  private async open(request: Request): Promise<Response> {
    const server = createMcpServer(this.options);
    const close = async () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      await server.close();
    };
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, close });
        this.log.debug(`session ${id} opened (${this.sessions.size} open)`);
        this.evictBeyondLimit();
      },
    });
    server.server.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);

    const response = await transport.handleRequest(request);
    // Anything but an initialize request was refused; its server serves nobody.
    if (!transport.sessionId) await server.close();
    return response;
  }

  private evictBeyondLimit(): void {
    for (const [id, session] of this.sessions) {
      if (this.sessions.size <= this.maxSessions) return;
      this.log.info(`closing idle session ${id}: more than ${this.maxSessions} sessions open`);
      this.sessions.delete(id);
      void session.close();
    }
  }

  async closeAll(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(open.map((session) => session.close()));
  }
}
