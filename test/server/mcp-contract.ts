import type { CallToolResult, Client } from "@modelcontextprotocol/client";
import { SkillsClient } from "@modelcontextprotocol/client/ext/skills";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visibleTools } from "../../src/server/registry.js";
import { annotationsFor } from "../../src/server/server.js";
import { diagnoseLatencyPrompt, epicPromptName } from "../../src/server/prompts.js";
import { epicUri, skillFileUri } from "../../src/server/skill-resources.js";
import { loadSkill } from "../../src/skill/index.js";
import { eras, sampleInputs, type Era } from "./mcp-helpers.js";

export interface Connection {
  client: Client;
  close(): Promise<void>;
}

function textOf(result: CallToolResult): string {
  const block = result.content[0];
  return block?.type === "text" ? block.text : "";
}

/**
 * What every transport must do in both protocol eras: list the registry's tools as declared,
 * return reports that match their output schemas, name bad fields, and serve the skill, its
 * epics and the prompts. The tool list comes from the registry, never from this file.
 */
export function contractSuite(transport: string, connect: (era: Era) => Promise<Connection>) {
  const tools = visibleTools(false);
  const skill = loadSkill();

  describe.each(eras)(`${transport}, protocol %s`, (era) => {
    let connection: Connection;
    let client: Client;
    beforeAll(async () => {
      connection = await connect(era);
      client = connection.client;
    });
    afterAll(async () => connection?.close());

    it("negotiates the protocol revision the client asked for", () => {
      expect(client.getNegotiatedProtocolVersion()).toBe(era);
      expect(client.getServerVersion()?.name).toBe("ml-optimizer");
      expect(client.getInstructions()).toContain("suggest_tools");
    });

    it("lists the registry's tools in order, with annotations from their intent", async () => {
      const listed = (await client.listTools()).tools;
      expect(listed.map((tool) => tool.name)).toEqual(tools.map((tool) => tool.name));
      for (const tool of tools) {
        const entry = listed.find((candidate) => candidate.name === tool.name)!;
        expect(entry.title).toBe(tool.title);
        expect(entry.description).toBe(tool.description);
        expect(entry.annotations).toEqual(annotationsFor(tool));
        expect(Object.keys(entry.inputSchema.properties ?? {})).toContain("timeout_ms");
        expect(entry.outputSchema?.required).toEqual(expect.arrayContaining(["findings"]));
      }
    });

    it.each(tools.map((tool) => tool.name))(
      "returns a %s report that matches the listed output schema",
      async (name) => {
        const sample = sampleInputs[name];
        expect(
          sample,
          `add a sample input for ${name} in test/server/mcp-helpers.ts`,
        ).toBeDefined();
        if (sample!.skip) return;
        const listed = (await client.listTools()).tools.find((tool) => tool.name === name)!;
        const validate = new AjvJsonSchemaValidator().getValidator(listed.outputSchema!);

        const result = await client.callTool({ name, arguments: sample!.input });

        expect(result.isError ?? false, textOf(result)).toBe(false);
        const verdict = validate(result.structuredContent);
        expect(verdict.errorMessage).toBeUndefined();
        expect(result.structuredContent).toMatchObject({ tool: name });
        expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
      },
    );

    it.each(tools.map((tool) => tool.name))(
      "answers bad %s input with isError naming each bad field",
      async (name) => {
        const listed = (await client.listTools()).tools.find((tool) => tool.name === name)!;
        const required = listed.inputSchema.required ?? [];

        const result = await client.callTool({ name, arguments: { timeout_ms: "soon" } });

        expect(result.isError).toBe(true);
        expect(result.structuredContent).toBeUndefined();
        expect(textOf(result)).toMatch(/^invalid input for /);
        for (const field of ["timeout_ms", ...required]) expect(textOf(result)).toContain(field);
      },
    );

    it("lists SKILL.md and every epic as resources, and reads them back verbatim", async () => {
      const listed = (await client.listResources()).resources.map((resource) => resource.uri);
      const expected = [
        skillFileUri(skill, "SKILL.md"),
        ...skill.epics.map((epic) => epicUri(skill, epic.id)),
      ];
      expect(listed).toEqual(expect.arrayContaining(expected));

      const manifest = await client.readResource({ uri: expected[0]! });
      expect(manifest.contents[0]).toMatchObject({ text: skill.raw, mimeType: "text/markdown" });
      for (const epic of skill.epics) {
        const read = await client.readResource({ uri: epicUri(skill, epic.id) });
        expect(read.contents[0]).toMatchObject({ text: skill.epicText(epic.id) });
      }
    });

    it("serves the skill through the Skills extension with verified digests", async () => {
      const skills = new SkillsClient(client);
      expect(skills.supported).toBe(true);

      const listing = await skills.list();
      expect(listing.skills.map((entry) => entry.uri)).toEqual([skillFileUri(skill, "SKILL.md")]);
      const entry = listing.skills[0]!;
      expect(entry.frontmatter.name).toBe(skill.frontmatter.name);

      const manifest = await skills.read(entry);
      expect(manifest).toMatchObject({ verified: true, text: skill.raw });
      const epic = skill.epics[0]!;
      const epicFile = await skills.read(entry, `epics/${epic.id}`);
      expect(epicFile).toMatchObject({ verified: true, text: epic.text });
    });

    it("offers the latency diagnosis, chaining only tools this server serves", async () => {
      const names = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
      expect(names).toEqual(
        expect.arrayContaining([
          diagnoseLatencyPrompt,
          ...skill.epics.map((epic) => epicPromptName(epic.id)),
        ]),
      );

      const prompt = await client.getPrompt({
        name: diagnoseLatencyPrompt,
        arguments: { endpoint: "http://127.0.0.1:8000/predict", symptom: "p99 is 450 ms" },
      });
      const content = prompt.messages[0]!.content;
      const text = content.type === "text" ? content.text : "";
      expect(text).toContain("http://127.0.0.1:8000/predict");
      expect(text).toContain("p99 is 450 ms");
      const stepTools = [...text.matchAll(/^\d+\. ([a-z_]+):/gm)].map((match) => match[1]);
      expect(stepTools[0]).toBe("suggest_tools");
      expect(stepTools.length).toBeGreaterThan(1);
      for (const name of stepTools) expect(tools.map((tool) => tool.name)).toContain(name);
    });

    it("completes the prompt's symptom from the skill's triggers", async () => {
      const completion = await client.complete({
        ref: { type: "ref/prompt", name: diagnoseLatencyPrompt },
        argument: { name: "symptom", value: "infer" },
      });
      expect(completion.completion.values).toEqual(["inference latency"]);
    });
  });
}
