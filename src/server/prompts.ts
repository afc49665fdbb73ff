import { completable, type GetPromptResult, type McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { kindOfUrl, type Config } from "../infra/config.js";
import type { Epic, Skill } from "../skill/index.js";
import type { ToolDefinition } from "../tools/contract.js";
import { epicUri } from "./skill-resources.js";

export const diagnoseLatencyPrompt = "diagnose-inference-latency";

/** The prompt name for an epic: `epic-mlo-phy-01`. */
export function epicPromptName(epicId: string): string {
  return `epic-${epicId.toLowerCase()}`;
}

interface Step {
  tool: string;
  why: string;
}

/**
 * The order a latency diagnosis goes in: route first, then measure the symptom end to end, then
 * the causes from the process outwards. Steps whose tool this server does not serve are left
 * out, so the prompt never sends an agent to a tool it cannot call.
 */
const latencySteps: readonly Step[] = [
  {
    tool: "suggest_tools",
    why: "pass the symptom in the user's words; it ranks the tools that answer it",
  },
  {
    tool: "validate_inference_latency",
    why: "measure p50/p95/p99 at a fixed arrival rate against the 100 ms objective",
  },
  {
    tool: "validate_event_loop",
    why: "find blocking calls in async code and loop stalls under load",
  },
  {
    tool: "calculate_memory_split",
    why:
      "check heap, metaspace, thread stacks and native memory against the container limit " +
      "(GC pauses and OOM kills show up as latency)",
  },
  {
    tool: "validate_mojo_artifact",
    why: "check the MOJO's integrity and measure its scoring latency per row",
  },
  {
    tool: "test_cache_coherence",
    why: "check the prediction cache's hit path, eviction policy and stale reads",
  },
  {
    tool: "benchmark_gin_index",
    why: "measure the feature-store JSONB lookups and the index that would serve them",
  },
  { tool: "audit_toast", why: "measure how much each feature read pays for detoasting" },
  {
    tool: "audit_connections",
    why: "check pool sizes against server limits and worker counts",
  },
];

/** Offers the configured HTTP targets for `endpoint` and the skill's triggers for `symptom`. */
function latencyArgs(config: Config, skill: Skill) {
  const httpTargets = Object.entries(config.targets)
    .filter(([, target]) => (target.kind ?? kindOfUrl(target.url ?? "")) === "http")
    .map(([name]) => name);
  const startingWith = (options: readonly string[], typed: string | undefined) =>
    options.filter((option) => option.toLowerCase().startsWith((typed ?? "").toLowerCase()));

  return z.object({
    endpoint: completable(
      z
        .string()
        .describe(
          "The inference endpoint: a target name or a URL like http://127.0.0.1:8000/predict",
        ),
      (typed) => startingWith(httpTargets, typed),
    ).optional(),
    symptom: completable(
      z
        .string()
        .describe("What is wrong, in the user's words, e.g. p99 is 450 ms since the deploy"),
      (typed) => startingWith(skill.frontmatter.triggers, typed),
    ).optional(),
  });
}

type LatencyArgs = z.output<ReturnType<typeof latencyArgs>>;

function userText(text: string): GetPromptResult {
  return { messages: [{ role: "user", content: { type: "text", text } }] };
}

function latencyPlan(served: ReadonlySet<string>, args: LatencyArgs): string {
  const steps = latencySteps.filter((step) => served.has(step.tool));
  const subject = args.endpoint ? ` of ${args.endpoint}` : "";
  return [
    `Diagnose the inference latency${subject} against the objective of 100 ms, predictably.`,
    args.symptom ? `Reported symptom: ${args.symptom}` : "No symptom was given; ask for one.",
    "",
    "Call these ml-optimizer tools in order, and stop to report once a finding at high or " +
      "critical severity explains the symptom:",
    ...steps.map((step, index) => `${index + 1}. ${step.tool}: ${step.why}.`),
    "",
    "For every finding, quote its code, the measured evidence and the fix. Say which checks " +
      "could not run and why; never fill a gap with a guess.",
  ].join("\n");
}

function epicPlan(skill: Skill, epic: Epic, served: ReadonlySet<string>): string {
  const tools = epic.tools.filter((tool) => served.has(tool));
  const missing = epic.tools.filter((tool) => !served.has(tool));
  return [
    `Work on epic ${epic.id} (${epic.name}, size ${epic.size}) ` +
      `of the ${skill.frontmatter.name} skill.`,
    tools.length > 0
      ? `Measure first with: ${tools.join(", ")}.`
      : "No tool for this epic is served yet; work from the epic's text.",
    ...(missing.length > 0 ? [`Not served here: ${missing.join(", ")}.`] : []),
    `The epic, also at ${epicUri(skill, epic.id)}:`,
    "",
    epic.text,
  ].join("\n");
}

export function registerPrompts(
  server: McpServer,
  skill: Skill,
  tools: readonly ToolDefinition[],
  config: Config,
): void {
  const served = new Set(tools.map((tool) => tool.name));

  server.registerPrompt(
    diagnoseLatencyPrompt,
    {
      title: "Diagnose inference latency",
      description:
        "A guided diagnosis of slow inference that chains the served tools, from the endpoint's " +
        "percentiles to memory, the MOJO, the cache and the feature store",
      argsSchema: latencyArgs(config, skill),
    },
    (args) => userText(latencyPlan(served, args)),
  );

  for (const epic of skill.epics) {
    server.registerPrompt(
      epicPromptName(epic.id),
      {
        title: `${epic.id}: ${epic.name}`,
        description: `Work on epic ${epic.id} (${epic.name}) with the tools that serve it`,
      },
      () => userText(epicPlan(skill, epic, served)),
    );
  }
}
