import { z } from "zod";
import type { Finding } from "../../report/report.js";
import { routableEntries, toolStatus } from "../../skill/catalog.js";
import { loadSkill, SkillError, type Skill } from "../../skill/load.js";
import { matchedTriggers, matchQuestion } from "../../skill/match.js";
import { ToolError } from "../../infra/errors.js";
import { defineTool } from "../contract.js";

export const inputSchema = z.object({
  question: z
    .string()
    .trim()
    .min(1, "question must not be empty; pass the user's words")
    .max(2000, "question is longer than 2000 characters; pass the gist of it")
    .describe("The user's question or symptom, in their own words"),
  limit: z
    .number()
    .int()
    .min(1, "limit must be at least 1")
    .max(10, "limit above 10 lists tools that do not fit the question; use 1-10")
    .optional()
    .describe("How many suggestions to return at most (default 3)"),
});

export const detailsSchema = z.object({
  question: z.string(),
  suggestions: z.array(
    z.object({
      superpower: z.string(),
      tool: z.string(),
      available: z.boolean().describe("False: the tool is planned and not served yet"),
      epics: z.array(z.string()),
      score: z.number().describe("0..1; above 0.5 means at least one whole phrase matched"),
      matched: z.array(z.string()).describe("The skill's phrases found in the question"),
      reason: z.string(),
    }),
  ),
  triggers_matched: z.array(z.string()),
  skill_version: z.string(),
});

const defaultLimit = 3;

// Parsed once per process: SKILL.md ships with the package and does not change under it.
let cachedSkill: Skill | undefined;
function skill(): Skill {
  if (cachedSkill) return cachedSkill;
  try {
    cachedSkill = loadSkill();
    return cachedSkill;
  } catch (error) {
    if (error instanceof SkillError) {
      throw new ToolError("failed", `the skill cannot be read: ${error.message}; reinstall`);
    }
    throw error;
  }
}

export const suggestTools = defineTool({
  name: "suggest_tools",
  title: "Suggest tools for a question",
  description:
    "Ranks this server's tools for a question or symptom in plain words (\"inference p99 is " +
    'over 100 ms", "container OOMKilled", "jsonb queries are slow") using the skill\'s ' +
    "triggers and phrases. Returns each suggested tool with its score, the phrases that " +
    "matched, its epics and whether it is available now; planned tools are listed so you can " +
    "say what is coming, but must not be called. Reads only SKILL.md; instant.",
  intent: "read-only",
  openWorld: false,
  inputSchema,
  detailsSchema,
  defaultTimeoutMs: 5_000,
  async run(input) {
    const loaded = skill();
    const limit = input.limit ?? defaultLimit;

    const suggestions = matchQuestion(loaded, input.question, { limit }).map((suggestion) => ({
      ...suggestion,
      available: toolStatus(loaded, suggestion.tool) === "available",
    }));
    const triggers = matchedTriggers(loaded, input.question);

    const findings: Finding[] = [];
    if (suggestions.length === 0) findings.push(nothingMatched(loaded, input.question));

    return {
      target: loaded.path,
      summary: summarise(suggestions),
      findings,
      metrics: {
        suggestions: suggestions.length,
        best_score: suggestions[0]?.score ?? 0,
        available_suggestions: suggestions.filter((suggestion) => suggestion.available).length,
      },
      details: {
        question: input.question,
        suggestions,
        triggers_matched: triggers,
        skill_version: loaded.frontmatter.version,
      },
    };
  },
});

function summarise(suggestions: readonly { tool: string; available: boolean }[]): string {
  if (suggestions.length === 0) {
    return (
      "No tool of this skill matches the question. " +
      "Rephrase it with the symptom or the component."
    );
  }
  const [best, ...rest] = suggestions;
  const availability = (s: { available: boolean }) => (s.available ? "available" : "planned");
  const others = rest.map((s) => `${s.tool} (${availability(s)})`).join(", ");
  return (
    `Best match: ${best!.tool} (${availability(best!)}).` +
    (others ? ` Also relevant: ${others}.` : "")
  );
}

function nothingMatched(loaded: Skill, question: string): Finding {
  // Available tools first: those are the rephrasings that lead somewhere today.
  const entries = routableEntries(loaded).sort(
    (a, b) => Number(b.status === "available") - Number(a.status === "available"),
  );
  const examples = entries.map(
    (entry) => `"${entry.phrases[0]!}" (${entry.tool}, ${entry.status})`,
  );
  return {
    code: "SKL001",
    severity: "info",
    title: "No tool matches the question",
    detail:
      "None of the skill's triggers or phrases appear in the question, so no tool was " +
      "suggested. The tools cover inference latency, event-loop blocking, JSONB indexes and " +
      "TOAST, MOJO artifacts, Redis prediction caches, JVM and container memory, connection " +
      "pools and AutoML search time.",
    evidence: {
      question_chars: question.length,
      triggers: loaded.frontmatter.triggers.join(", "),
    },
    fix:
      "Ask again naming the symptom or the component, for example " +
      `${examples.join(", ")}; or use one of the triggers: ` +
      `${loaded.frontmatter.triggers.join(", ")}.`,
  };
}
