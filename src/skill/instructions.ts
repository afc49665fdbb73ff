import { availableTools, routableEntries, suggestToolName } from "./catalog.js";
import type { Skill } from "./load.js";

/**
 * The MCP server's `instructions`: what it is for, the triggers, and which tool answers what.
 * Hosts show this to the model beside the tool list, so it stays short and says plainly which
 * tools are not served yet.
 */
export function serverInstructions(skill: Skill): string {
  const { frontmatter } = skill;
  const available = new Set(availableTools(skill));
  const entries = routableEntries(skill);
  const servedLines = entries
    .filter((entry) => available.has(entry.tool))
    .map((entry) => `- ${entry.tool} (${entry.name}): ${entry.description}`);
  const planned = entries
    .filter((entry) => !available.has(entry.tool))
    .map((entry) => `${entry.tool} (${entry.name})`);

  return [
    `${frontmatter.name} ${frontmatter.version}: finds and measures what makes an ML inference ` +
      `platform (${frontmatter.tech_stack.join(", ")}) slow or fragile, against the real ` +
      "systems, with the goal of inference under 100 ms. Every tool returns a report whose " +
      "findings carry a code, a severity, the measured evidence and a ready-to-apply fix.",
    `Use it for: ${frontmatter.triggers.join(", ")}.`,
    "Tools served now:",
    ...servedLines,
    `- ${suggestToolName}: ranks the tools for a question in the user's words.`,
    ...(planned.length > 0
      ? [`Planned, not served yet (do not call them): ${planned.join(", ")}.`]
      : []),
    `When unsure which tool answers a question, call ${suggestToolName} with the user's ` +
      "words. Call only tools that are in the tool list.",
  ].join("\n");
}
