import { LOG_LEVEL_META_KEY, type Client } from "@modelcontextprotocol/client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { clientFor, ensureBuilt, eras, RecordingStdioTransport } from "./mcp-helpers.js";

beforeAll(() => ensureBuilt(), 120_000);

const pureSplit = { workload: "mojo-scoring", memory_limit: "1Gi", live_checks: false };

describe.each(eras)("step logs sent to an MCP client over stdio, protocol %s", (era) => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function connected() {
    const client = clientFor(era);
    const messages: { level: string; data: unknown }[] = [];
    client.setNotificationHandler("notifications/message", (notification) => {
      messages.push({ level: notification.params.level, data: notification.params.data });
    });
    await client.connect(new RecordingStdioTransport(["serve"]));
    closers.push(() => client.close());
    return { client, messages };
  }

  it("sends none to a client that never asked for log messages", async () => {
    const { client, messages } = await connected();
    const result = await client.callTool({ name: "calculate_memory_split", arguments: pureSplit });
    expect(result.isError).toBeFalsy();
    expect(messages).toEqual([]);
  });

  // 2025-11-25 clients set a level per connection; 2026-07-28 ones name it in each request.
  async function callAsking(client: Client, level: "info" | "warning") {
    if (era === "2025-11-25") {
      await client.setLoggingLevel(level);
      return client.callTool({ name: "calculate_memory_split", arguments: pureSplit });
    }
    return client.callTool({
      name: "calculate_memory_split",
      arguments: pureSplit,
      _meta: { [LOG_LEVEL_META_KEY]: level },
    });
  }

  it("sends each step at and above the level the client asked for, and none below it", async () => {
    const { client, messages } = await connected();
    await callAsking(client, "info");
    expect(messages.map((message) => message.level)).toContain("info");
    expect(messages.map((message) => String(message.data))).toContain(
      "live checks off: no JVM started, the flags are unchecked",
    );

    messages.length = 0;
    await callAsking(client, "warning");
    expect(messages).toEqual([]);
  });
});
