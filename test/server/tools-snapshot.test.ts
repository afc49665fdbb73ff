import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { InMemoryTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { createMcpServer } from "../../src/server/server.js";
import { clientFor, serverOptions } from "./mcp-helpers.js";

/**
 * Every tool's public definition as agents see it in tools/list (name, title, description,
 * annotations, input and output JSON Schema) is checked in at test/snapshots/tools.json, so a
 * change to what agents see shows up in review. When a change is intended, rewrite the file
 * with `UPDATE_SNAPSHOTS=1 npx vitest run test/server/tools-snapshot.test.ts` and commit it.
 */
const snapshotPath = new URL("../snapshots/tools.json", import.meta.url);

async function listedDefinitions(): Promise<unknown[]> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createMcpServer(serverOptions());
  await server.connect(serverSide);
  const client = clientFor("2025-11-25");
  await client.connect(clientSide);
  const { tools } = await client.listTools();
  await client.close();
  await server.close();
  return tools.map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    annotations: tool.annotations,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
  }));
}

describe("tool definition snapshot", () => {
  it("matches test/snapshots/tools.json (UPDATE_SNAPSHOTS=1 rewrites it)", async () => {
    const current = `${JSON.stringify(await listedDefinitions(), null, 2)}\n`;

    if (process.env.UPDATE_SNAPSHOTS === "1") {
      writeFileSync(snapshotPath, current);
      return;
    }
    expect(
      existsSync(snapshotPath),
      "test/snapshots/tools.json is missing; create it with UPDATE_SNAPSHOTS=1",
    ).toBe(true);
    const checkedIn = readFileSync(snapshotPath, "utf8");
    expect(
      JSON.parse(current),
      "the tools' public definitions changed; review, then rerun with UPDATE_SNAPSHOTS=1",
    ).toEqual(JSON.parse(checkedIn));
  });
});
