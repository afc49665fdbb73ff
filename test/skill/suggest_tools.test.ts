import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/infra/config.js";
import { silentLogger } from "../../src/infra/logger.js";
import { invokeTool } from "../../src/server/invoke.js";
import { tools } from "../../src/server/registry.js";
import {
  availableTools,
  loadSkill,
  serverInstructions,
  toolStatus,
} from "../../src/skill/index.js";
import { suggestTools } from "../../src/tools/suggest_tools/index.js";

const skill = loadSkill();
const options = { config: defaultConfig(), log: silentLogger };

async function suggest(input: unknown) {
  const invocation = await invokeTool(suggestTools, input, options);
  if (!invocation.ok) throw new Error(`suggest_tools failed: ${invocation.message}`);
  return invocation.report as typeof invocation.report & {
    details: {
      suggestions: { tool: string; available: boolean; score: number; matched: string[] }[];
      triggers_matched: string[];
      skill_version: string;
    };
  };
}

describe("suggest_tools", () => {
  it("routes an OOMKilled container to calculate_memory_split, marked available", async () => {
    const report = await suggest({ question: "my container gets OOMKilled with H2O" });
    expect(report.status).toBe("pass");
    expect(report.findings).toEqual([]);
    expect(report.details.suggestions[0]).toMatchObject({
      tool: "calculate_memory_split",
      available: true,
      matched: ["oomkilled"],
    });
    expect(report.metrics.suggestions).toBe(report.details.suggestions.length);
    expect(report.metrics.best_score).toBe(report.details.suggestions[0]!.score);
    expect(report.details.skill_version).toBe("1.0.0");
    expect(report.summary).toContain("calculate_memory_split (available)");
  });

  it("marks a planned tool as not available and reports the trigger it matched", async () => {
    const report = await suggest({ question: "our gin index is huge" });
    expect(report.details.suggestions[0]).toMatchObject({
      tool: "benchmark_gin_index",
      available: false,
    });
    expect(report.details.triggers_matched).toEqual(["gin index"]);
    expect(report.metrics.available_suggestions).toBe(0);
  });

  it("returns no suggestion and an SKL001 info finding when nothing matches", async () => {
    const report = await suggest({ question: "what is the capital of France?" });
    expect(report.details.suggestions).toEqual([]);
    expect(report.status).toBe("pass");
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ code: "SKL001", severity: "info" });
    expect(finding!.fix).toContain("inference latency");
    expect(finding!.fix).toContain("calculate_memory_split");
  });

  it("honours limit", async () => {
    const question = "stale redis cache after a model update makes p99 slow";
    const report = await suggest({ question, limit: 1 });
    expect(report.details.suggestions).toHaveLength(1);
  });

  it("refuses an empty question and names the field", async () => {
    const invocation = await invokeTool(suggestTools, { question: "   " }, options);
    expect(invocation).toMatchObject({ ok: false, kind: "input" });
    expect(!invocation.ok && invocation.message).toContain("question: question must not be empty");
  });

  it("refuses a question over 2000 characters", async () => {
    const invocation = await invokeTool(suggestTools, { question: "x".repeat(2001) }, options);
    expect(invocation).toMatchObject({ ok: false, kind: "input" });
  });

  it("is read-only, closed-world and registered last", () => {
    expect(suggestTools.intent).toBe("read-only");
    expect(suggestTools.openWorld).toBe(false);
    expect(tools.at(-1)).toBe(suggestTools);
  });

  it("marks exactly the registered tools available in SKILL.md", () => {
    for (const tool of tools) expect(toolStatus(skill, tool.name)).toBe("available");
    // An agent told a tool is available must find it in tools/list.
    const registered = tools.map((tool) => tool.name).sort();
    expect([...availableTools(skill)].sort()).toEqual(registered);
  });
});

describe("serverInstructions", () => {
  const text = serverInstructions(skill);

  it("names the triggers, the served tools and suggest_tools", () => {
    for (const trigger of skill.frontmatter.triggers) expect(text).toContain(trigger);
    expect(text).toContain("- calculate_memory_split (Memory Split Calculator):");
    expect(text).toContain("- validate_mojo_artifact (Model Quantizer):");
    expect(text).toContain("call suggest_tools");
  });

  it("lists planned tools apart, as not to be called", () => {
    const planned = text.split("\n").find((line) => line.startsWith("Planned"));
    expect(planned).toContain("do not call them");
    expect(planned).toContain("validate_event_loop (Event Loop Guardian)");
    expect(planned).not.toContain("calculate_memory_split");
  });
});
