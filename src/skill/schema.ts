import { z } from "zod";

/** Every tool the design names; a SKILL.md that routes to anything else is broken. */
export const designedTools = [
  "benchmark_gin_index",
  "audit_toast",
  "validate_event_loop",
  "calculate_memory_split",
  "validate_mojo_artifact",
  "test_cache_coherence",
  "prune_automl",
  "validate_inference_latency",
  "audit_connections",
  "suggest_tools",
] as const;
export type DesignedTool = (typeof designedTools)[number];

/** The skill card's triggers: hosts route on these, so none may go missing. */
export const cardTriggers = [
  "inference latency",
  "model optimization",
  "mojo artifact",
  "event loop blocking",
  "cache busting",
  "gin index",
] as const;

export const cardSuperpowerSlugs = [
  "event-loop-guardian",
  "toast-preventer",
  "gin-index-optimizer",
  "model-quantizer",
  "cache-coherence-architect",
  "memory-split-calculator",
  "automl-pruner",
] as const;

export const cardEpicIds = [
  "MLO-LOG-01",
  "MLO-PROC-01",
  "MLO-PROC-02",
  "MLO-DEV-01",
  "MLO-DEV-02",
  "MLO-PHY-01",
  "MLO-SCN-01",
] as const;

// Schema-level messages return undefined for a missing value so the parse-wide "required"
// message wins; otherwise zod would say "expected one of ..." about an absent field.
const toolName = z.enum(designedTools, {
  error: (issue) =>
    issue.input === undefined
      ? undefined
      : `unknown tool ${JSON.stringify(issue.input)}; known tools: ${designedTools.join(", ")}`,
});

const text = z.string().trim().min(1, "must not be empty");

const epicId = z.string().regex(/^MLO-[A-Z]+-\d{2}$/, "must look like MLO-PROC-01");

const superpowerSchema = z.object({
  name: text,
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase words joined by hyphens"),
  tool: toolName,
  status: z.enum(["available", "planned"], {
    error: (issue) => (issue.input === undefined ? undefined : "must be available or planned"),
  }),
  epics: z.array(epicId).min(1, "must name at least one epic"),
  description: text,
  phrases: z.array(text).min(1, "must list at least one phrase"),
});

const epicSchema = z.object({
  id: epicId,
  name: text,
  size: z.enum(["S", "M", "L", "XL"], {
    error: (issue) => (issue.input === undefined ? undefined : "must be S, M, L or XL"),
  }),
  tools: z.array(toolName).min(1, "must name at least one tool"),
});

export const frontmatterSchema = z.object({
  name: z.literal("ml-optimizer", {
    error: (issue) => (issue.input === undefined ? undefined : "must be ml-optimizer"),
  }),
  description: text.max(1024, "must be at most 1024 characters (Agent Skills limit)"),
  license: z.string().optional(),
  // YAML reads `version: 1.0` as a number; turn it back into text so the message is about the
  // format rather than the type.
  version: z.preprocess(
    (value) => (typeof value === "number" ? String(value) : value),
    z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be a semantic version like 1.0.0"),
  ),
  tech_stack: z.array(text).min(1, "must list at least one technology"),
  triggers: z.array(text).min(1, "must list at least one trigger"),
  superpowers: z.array(superpowerSchema).min(1, "must list at least one superpower"),
  supporting_tools: z.array(superpowerSchema).default([]),
  epics: z.array(epicSchema).min(1, "must list at least one epic"),
});

export type SkillFrontmatter = z.output<typeof frontmatterSchema>;
export type Superpower = SkillFrontmatter["superpowers"][number];
export type ToolStatus = Superpower["status"];
export type EpicEntry = SkillFrontmatter["epics"][number];
