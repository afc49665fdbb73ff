import type { Skill } from "./load.js";
import type { Superpower, ToolStatus } from "./schema.js";

/** The tool that reads this skill; it exists wherever the skill is served. */
export const suggestToolName = "suggest_tools";

/** Superpowers first, then the supporting tools, in SKILL.md order. */
export function routableEntries(skill: Skill): Superpower[] {
  return [...skill.frontmatter.superpowers, ...skill.frontmatter.supporting_tools];
}

export function toolStatus(skill: Skill, tool: string): ToolStatus | undefined {
  if (tool === suggestToolName) return "available";
  return routableEntries(skill).find((entry) => entry.tool === tool)?.status;
}

/** Tools SKILL.md marks as served today, suggest_tools included. */
export function availableTools(skill: Skill): string[] {
  const marked = routableEntries(skill)
    .filter((entry) => entry.status === "available")
    .map((entry) => entry.tool);
  return [...marked, suggestToolName];
}
