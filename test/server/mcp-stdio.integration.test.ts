import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleTools } from "../../src/server/registry.js";
import { contractSuite } from "./mcp-contract.js";
import {
  clientFor,
  ensureBuilt,
  eras,
  RecordingStdioTransport,
  sampleInputs,
} from "./mcp-helpers.js";

beforeAll(() => ensureBuilt(), 120_000);

contractSuite("stdio", async (era) => {
  const transport = new RecordingStdioTransport();
  const client = clientFor(era);
  await client.connect(transport);
  return { client, close: () => client.close() };
});

describe.each(eras)("stdio stdout, protocol %s", (era) => {
  const transport = new RecordingStdioTransport(["serve", "--verbose"]);
  const client = clientFor(era);

  afterAll(() => client.close());

  it("carries nothing but JSON-RPC, even with verbose logging and failing calls", async () => {
    await client.connect(transport);
    await client.listTools();
    for (const tool of visibleTools(false)) {
      const sample = sampleInputs[tool.name];
      if (sample && !sample.skip)
        await client.callTool({ name: tool.name, arguments: sample.input });
      await client.callTool({ name: tool.name, arguments: { timeout_ms: -1 } });
    }
    await client.listResources();
    await client.listPrompts();
    await client.close();

    expect(transport.stdoutLines.length).toBeGreaterThan(visibleTools(false).length);
    for (const line of transport.stdoutLines) {
      const message = JSON.parse(line) as { jsonrpc?: string };
      expect(message.jsonrpc, line).toBe("2.0");
    }
    expect(transport.trailing).toBe("");
    // The verbose log went somewhere: stderr, where it belongs.
    expect(transport.stderrChunks.join("")).toContain("[ml-optimizer");
  });
});
