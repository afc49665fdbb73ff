import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp, type HttpServerHandle } from "../../src/server/http.js";
import { visibleTools } from "../../src/server/registry.js";
import { contractSuite } from "./mcp-contract.js";
import { connectHttp, serverOptions } from "./mcp-helpers.js";

let server: HttpServerHandle;
beforeAll(async () => {
  server = await serveHttp({ ...serverOptions(), port: 0, allowedHosts: ["mlo.internal"] });
});
afterAll(() => server?.close());

contractSuite("Streamable HTTP", async (era) => {
  const client = await connectHttp(server.url, era);
  return { client, close: () => client.close() };
});

/** A raw initialize with chosen Host and Origin headers; fetch would not let a test set Host. */
function post(
  headers: Record<string, string>,
  path = "/mcp",
): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "header-check", version: "1.0.0" },
    },
  });
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("HTTP Host and Origin checks", () => {
  it("rejects a foreign Origin with 403 before any MCP handling", async () => {
    const response = await post({ origin: "http://evil.example" });
    expect(response.status).toBe(403);
    expect(response.body).toContain("Origin http://evil.example is not allowed");
  });

  it("rejects a rebound Host name, and a loopback name on another port", async () => {
    const port = new URL(server.url).port;
    expect((await post({ host: `evil.example:${port}` })).status).toBe(403);
    expect((await post({ host: `localhost:${Number(port) + 1}` })).status).toBe(403);
  });

  it("serves loopback names with the port, loopback origins and configured names", async () => {
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const response = await post({ host, origin: `http://${host}` });
      expect(response.status, host).toBe(200);
    }
    expect((await post({ host: "mlo.internal", origin: "https://mlo.internal" })).status).toBe(200);
  });

  it("answers GET /health for container health checks", async () => {
    const response = await fetch(new URL("/health", server.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      name: "ml-optimizer",
      tools: visibleTools(false).length,
    });
  });
});
