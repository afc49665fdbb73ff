import { InMemoryTransport } from "@modelcontextprotocol/client";
import { serveStdio as serveSdkStdio } from "@modelcontextprotocol/server/stdio";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serveHttp, type HttpServerHandle } from "../../src/server/http.js";
import { createMcpServer } from "../../src/server/server.js";
import { defineTool } from "../../src/tools/contract.js";
import type { Connection } from "./mcp-contract.js";
import { clientFor, connectHttp, eras, serverOptions, type Era } from "./mcp-helpers.js";

/**
 * A tool that reports progress once and then waits for its signal, the way a long benchmark
 * waits on a query: the test sees whether a client's cancel reaches it.
 */
function waitingTool() {
  let sawAbort: (reason: unknown) => void = () => undefined;
  const aborted = new Promise<unknown>((resolvePromise) => (sawAbort = resolvePromise));
  const tool = defineTool({
    name: "wait_for_cancel",
    title: "Waits for cancel",
    description: "Test tool: reports progress, then waits until cancelled",
    intent: "read-only",
    openWorld: false,
    inputSchema: z.object({}),
    detailsSchema: z.object({}),
    defaultTimeoutMs: 60_000,
    run: (_input, context) =>
      new Promise((_resolve, reject) => {
        context.progress({ progress: 1, total: 2, message: "half way" });
        context.signal.addEventListener("abort", () => {
          sawAbort(context.signal.reason);
          reject(context.signal.reason as Error);
        });
      }),
  });
  return { tool, aborted };
}

async function cancelsThrough(
  connect: (era: Era, tools: ReturnType<typeof waitingTool>) => Promise<Connection>,
  era: Era,
) {
  const waiting = waitingTool();
  const { client, close } = await connect(era, waiting);
  const controller = new AbortController();
  const progress: number[] = [];

  const call = client.callTool(
    { name: "wait_for_cancel", arguments: {} },
    {
      signal: controller.signal,
      onprogress: (update) => {
        progress.push(update.progress);
        controller.abort(new Error("the user gave up"));
      },
    },
  );

  await expect(call).rejects.toThrow();
  const reason = await waiting.aborted;
  expect(progress).toEqual([1]);
  expect(String(reason)).toContain("wait_for_cancel was cancelled");
  await close();
}

describe.each(eras)("cancel and progress, protocol %s", (era) => {
  let http: HttpServerHandle | undefined;
  afterAll(() => http?.close());

  it("stops a tool over Streamable HTTP when the client cancels after a progress", async () => {
    await cancelsThrough(async (_era, waiting) => {
      await http?.close();
      http = await serveHttp({ ...serverOptions({ tools: [waiting.tool] }), port: 0 });
      const client = await connectHttp(http.url, era);
      return { client, close: () => client.close() };
    }, era);
  });

  it("stops a tool over a stdio-style stream when the client cancels", async () => {
    await cancelsThrough(async (_era, waiting) => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const handle = serveSdkStdio(
        () => createMcpServer(serverOptions({ tools: [waiting.tool] })),
        { transport: serverSide },
      );
      const client = clientFor(era);
      await client.connect(clientSide);
      return {
        client,
        close: async () => {
          await client.close();
          await handle.close();
        },
      };
    }, era);
  });
});
