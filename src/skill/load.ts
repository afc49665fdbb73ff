import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
// js-yaml rather than the `yaml` package: the server parses this file before its first reply,
// and js-yaml reads it in a tenth of the time.
import { loadAll, YAMLException } from "js-yaml";
import type { z } from "zod";
import { normalise } from "./match.js";
import {
  cardEpicIds,
  cardSuperpowerSlugs,
  cardTriggers,
  frontmatterSchema,
  type SkillFrontmatter,
  type Superpower,
} from "./schema.js";

export interface Epic {
  id: string;
  name: string;
  size: string;
  tools: string[];
  /** The epic's `## <id> <name>` section of the body, heading included. */
  text: string;
}

export interface Skill {
  path: string;
  raw: string;
  body: string;
  frontmatter: SkillFrontmatter;
  epics: Epic[];
  epicText(id: string): string | undefined;
}

export interface SkillIssue {
  /** Dotted path of the offending frontmatter field, or `frontmatter` / `body`. */
  field: string;
  message: string;
}

/** A SKILL.md that cannot be used; the message names the file, each field and what is wrong. */
export class SkillError extends Error {
  readonly path: string;
  readonly issues: readonly SkillIssue[];

  constructor(path: string, issues: readonly SkillIssue[]) {
    super(`${path}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ")}`);
    this.name = "SkillError";
    this.path = path;
    this.issues = issues;
  }
}

/**
 * SKILL.md ships at the package root. This module sits two levels below it both as
 * src/skill/load.ts and as dist/skill/load.js, so the same relative path works from a checkout,
 * a build and a global install.
 */
export const defaultSkillPath = fileURLToPath(new URL("../../SKILL.md", import.meta.url));

export function loadSkill(path: string = defaultSkillPath): Skill {
  const skillPath = resolve(path);
  let raw: string;
  try {
    raw = readFileSync(skillPath, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SkillError(skillPath, [
      { field: "file", message: `cannot be read (${reason}); check the path` },
    ]);
  }
  return parseSkill(raw, skillPath);
}

/** Parses and validates SKILL.md text; `path` is only used to name the file in errors. */
export function parseSkill(raw: string, path: string): Skill {
  const { yamlText, body } = splitFrontmatter(raw, path);

  let data: unknown;
  try {
    // loadAll, not load: an empty frontmatter is no document, which the schema then names.
    const documents = loadAll(yamlText);
    if (documents.length > 1) throw new YAMLException("more than one YAML document");
    data = documents[0];
  } catch (error) {
    const reason = error instanceof YAMLException ? error.message : String(error);
    throw new SkillError(path, [{ field: "frontmatter", message: `invalid YAML: ${reason}` }]);
  }

  const parsed = frontmatterSchema.safeParse(data ?? {}, {
    error: (issue) =>
      issue.input === undefined && issue.code !== "custom" ? "required" : undefined,
  });
  if (!parsed.success) throw new SkillError(path, zodIssues(parsed.error));
  const frontmatter = parsed.data;

  const sections = level2Sections(body);
  const problems = [...crossCheck(frontmatter), ...missingSections(frontmatter, sections)];
  if (problems.length > 0) throw new SkillError(path, problems);

  const epics: Epic[] = frontmatter.epics.map((epic) => ({
    ...epic,
    text: sectionFor(sections, epic.id)!,
  }));
  return {
    path,
    raw,
    body,
    frontmatter,
    epics,
    epicText: (id) => epics.find((epic) => epic.id === id)?.text,
  };
}

function splitFrontmatter(raw: string, path: string): { yamlText: string; body: string } {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(raw);
  if (!match) {
    throw new SkillError(path, [
      {
        field: "frontmatter",
        message: "missing; the file must start with a --- line, the YAML, and a closing --- line",
      },
    ]);
  }
  return { yamlText: match[1]!, body: raw.slice(match[0].length) };
}

function zodIssues(error: z.ZodError): SkillIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : "frontmatter",
    message: issue.message,
  }));
}

/** The references between fields that a per-field schema cannot see. */
function crossCheck(frontmatter: SkillFrontmatter): SkillIssue[] {
  const issues: SkillIssue[] = [];
  const entries: { field: string; entry: Superpower }[] = [
    ...frontmatter.superpowers.map((entry, i) => ({ field: `superpowers.${i}`, entry })),
    ...frontmatter.supporting_tools.map((entry, i) => ({ field: `supporting_tools.${i}`, entry })),
  ];

  for (const trigger of cardTriggers) {
    if (!frontmatter.triggers.includes(trigger)) {
      issues.push({ field: "triggers", message: `missing the card's trigger "${trigger}"` });
    }
  }
  const slugs = frontmatter.superpowers.map((superpower) => superpower.slug);
  for (const slug of cardSuperpowerSlugs) {
    if (!slugs.includes(slug)) {
      issues.push({ field: "superpowers", message: `missing the card's superpower "${slug}"` });
    }
  }
  const epicIds = frontmatter.epics.map((epic) => epic.id);
  for (const id of cardEpicIds) {
    if (!epicIds.includes(id)) {
      issues.push({ field: "epics", message: `missing the card's epic ${id}` });
    }
  }

  const ownerOfTool = new Map<string, string>();
  for (const { field, entry } of entries) {
    const owner = ownerOfTool.get(entry.tool);
    if (owner) {
      issues.push({ field: `${field}.tool`, message: `${entry.tool} already belongs to ${owner}` });
    }
    ownerOfTool.set(entry.tool, entry.name);

    entry.epics.forEach((id, j) => {
      const epic = frontmatter.epics.find((candidate) => candidate.id === id);
      if (!epic) {
        issues.push({ field: `${field}.epics.${j}`, message: `unknown epic ${id}` });
      } else if (!epic.tools.includes(entry.tool)) {
        issues.push({
          field: `${field}.epics.${j}`,
          message: `epic ${id} does not list ${entry.tool} in its tools`,
        });
      }
    });
  }

  frontmatter.epics.forEach((epic, i) => {
    epic.tools.forEach((tool, j) => {
      if (!ownerOfTool.has(tool)) {
        issues.push({
          field: `epics.${i}.tools.${j}`,
          message: `${tool} is served by no superpower or supporting tool`,
        });
      }
    });
  });

  // A trigger nobody's phrases contain would never route anywhere.
  const phraseKeys = new Set(
    entries.flatMap(({ entry }) => entry.phrases.map((phrase) => normalise(phrase).join(" "))),
  );
  frontmatter.triggers.forEach((trigger, i) => {
    if (!phraseKeys.has(normalise(trigger).join(" "))) {
      issues.push({
        field: `triggers.${i}`,
        message: `"${trigger}" is in no superpower's phrases, so it routes to no tool`,
      });
    }
  });
  return issues;
}

function missingSections(
  frontmatter: SkillFrontmatter,
  sections: Map<string, string>,
): SkillIssue[] {
  return frontmatter.epics.flatMap((epic) => {
    const text = sectionFor(sections, epic.id);
    if (text === undefined) {
      return [{ field: "body", message: `no "## ${epic.id} ${epic.name}" section` }];
    }
    const heading = text
      .split("\n", 1)[0]!
      .replace(/^##\s+/, "")
      .trim();
    if (heading !== `${epic.id} ${epic.name}`) {
      return [
        {
          field: "body",
          message: `section "## ${heading}" should be "## ${epic.id} ${epic.name}"`,
        },
      ];
    }
    return [];
  });
}

/** Level-2 sections keyed by heading text; each runs to the next level-2 heading. */
function level2Sections(body: string): Map<string, string> {
  const sections = new Map<string, string>();
  const lines = body.split(/\r?\n/);
  let heading: string | undefined;
  let collected: string[] = [];
  const flush = () => {
    if (heading !== undefined) sections.set(heading, collected.join("\n").trimEnd());
  };
  let inFence = false;
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const match = inFence ? null : /^##\s+(.+?)\s*$/.exec(line);
    if (match) {
      flush();
      heading = match[1]!;
      collected = [line];
    } else if (heading !== undefined) {
      collected.push(line);
    }
  }
  flush();
  return sections;
}

function sectionFor(sections: Map<string, string>, epicId: string): string | undefined {
  for (const [heading, text] of sections) {
    if (heading === epicId || heading.startsWith(`${epicId} `)) return text;
  }
  return undefined;
}
