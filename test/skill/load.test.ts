import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { defaultSkillPath, loadSkill, SkillError } from "../../src/skill/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const realRaw = readFileSync(join(repoRoot, "SKILL.md"), "utf8");
const scratchDir = mkdtempSync(join(tmpdir(), "ml-optimizer-skill-"));
afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

let variant = 0;
/** Writes SKILL.md with one edit applied and returns the error loading it raises. */
function loadBroken(edit: (raw: string) => string): SkillError {
  const edited = edit(realRaw);
  expect(edited, "the edit must change the file").not.toBe(realRaw);
  const path = join(scratchDir, `variant-${++variant}`, "SKILL.md");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, edited);
  try {
    loadSkill(path);
  } catch (error) {
    expect(error).toBeInstanceOf(SkillError);
    expect((error as SkillError).message.startsWith(`${path}: `)).toBe(true);
    return error as SkillError;
  }
  throw new Error(`loading the edited SKILL.md at ${path} did not fail`);
}

describe("the shipped SKILL.md", () => {
  const skill = loadSkill();

  it("is found at the package root by default", () => {
    expect(defaultSkillPath).toBe(join(repoRoot, "SKILL.md"));
    expect(skill.path).toBe(join(repoRoot, "SKILL.md"));
  });

  it("carries the card's name, version, stack and exactly its six triggers", () => {
    const { frontmatter } = skill;
    expect(frontmatter.name).toBe("ml-optimizer");
    expect(frontmatter.version).toBe("1.0.0");
    expect(frontmatter.tech_stack).toEqual([
      "H2O AutoML",
      "FastAPI",
      "PostgreSQL",
      "Redis",
      "Docker",
    ]);
    expect(frontmatter.triggers).toEqual([
      "inference latency",
      "model optimization",
      "mojo artifact",
      "event loop blocking",
      "cache busting",
      "gin index",
    ]);
  });

  it("has a description within the Agent Skills limit that says when to use it", () => {
    expect(skill.frontmatter.description.length).toBeLessThanOrEqual(1024);
    expect(skill.frontmatter.description).toMatch(/Use it when/);
  });

  it("maps the seven superpowers to the design's tools", () => {
    const toolOf = Object.fromEntries(
      skill.frontmatter.superpowers.map((superpower) => [superpower.name, superpower.tool]),
    );
    expect(toolOf).toEqual({
      "Event Loop Guardian": "validate_event_loop",
      "TOAST Preventer": "audit_toast",
      "GIN Index Optimizer": "benchmark_gin_index",
      "Model Quantizer": "validate_mojo_artifact",
      "Cache Coherence Architect": "test_cache_coherence",
      "Memory Split Calculator": "calculate_memory_split",
      "AutoML Pruner": "prune_automl",
    });
  });

  it("marks only the tools that exist today as available", () => {
    const available = [...skill.frontmatter.superpowers, ...skill.frontmatter.supporting_tools]
      .filter((entry) => entry.status === "available")
      .map((entry) => entry.tool)
      .sort();
    expect(available).toEqual(["calculate_memory_split", "validate_mojo_artifact"]);
  });

  it("keeps the card's seven epics with their sizes and a body section each", () => {
    expect(skill.epics.map((epic) => [epic.id, epic.name, epic.size])).toEqual([
      ["MLO-LOG-01", "Feature Store Schema & Index", "L"],
      ["MLO-PROC-01", "Inference Latency Reduction", "XL"],
      ["MLO-PROC-02", "Concurrency & Connection Management", "M"],
      ["MLO-DEV-01", "Model Quantization & Artifacts", "L"],
      ["MLO-DEV-02", "AutoML Search Space Pruning", "M"],
      ["MLO-PHY-01", "Resource Allocation & Topology", "L"],
      ["MLO-SCN-01", "Production Validation", "L"],
    ]);
    for (const epic of skill.epics) {
      expect(epic.text.startsWith(`## ${epic.id} ${epic.name}\n`)).toBe(true);
      expect(epic.text).not.toMatch(/\n## /);
      for (const tool of epic.tools) expect(epic.text).toContain(`\`${tool}\``);
    }
    expect(skill.epicText("MLO-PHY-01")).toContain("calculate_memory_split");
    expect(skill.epicText("MLO-NOPE-01")).toBeUndefined();
  });
});

describe("a broken SKILL.md", () => {
  it("names a missing name", () => {
    const error = loadBroken((raw) => raw.replace("name: ml-optimizer\n", ""));
    expect(error.message).toContain("name: required");
  });

  it("names a version that is not semver", () => {
    const error = loadBroken((raw) => raw.replace("version: 1.0.0", "version: 1.0"));
    expect(error.message).toContain("version: must be a semantic version like 1.0.0");
  });

  it("names a missing version", () => {
    const error = loadBroken((raw) => raw.replace("version: 1.0.0\n", ""));
    expect(error.message).toContain("version: required");
  });

  it("names a superpower whose tool the design does not have", () => {
    const error = loadBroken((raw) => raw.replace("tool: audit_toast", "tool: audit_toasts"));
    expect(error.issues[0]).toMatchObject({ field: "superpowers.1.tool" });
    expect(error.message).toContain('superpowers.1.tool: unknown tool "audit_toasts"');
  });

  it("names a superpower without a tool", () => {
    const error = loadBroken((raw) => raw.replace("    tool: benchmark_gin_index\n", ""));
    expect(error.message).toContain("superpowers.2.tool: required");
  });

  it("names a trigger of the card that went missing", () => {
    const error = loadBroken((raw) => raw.replace("\n  - cache busting\n", "\n"));
    expect(error.issues).toContainEqual({
      field: "triggers",
      message: 'missing the card\'s trigger "cache busting"',
    });
  });

  it("names a missing triggers list", () => {
    const error = loadBroken((raw) => raw.replace(/\ntriggers:\n( {2}- .*\n)+/, "\n"));
    expect(error.message).toContain("triggers: required");
  });

  it("names a trigger that no superpower's phrases route", () => {
    const error = loadBroken((raw) => raw.replace("      - gin index\n", ""));
    expect(error.message).toContain('triggers.5: "gin index" is in no superpower\'s phrases');
  });

  it("names an epic size outside S, M, L, XL", () => {
    const error = loadBroken((raw) => raw.replace("size: XL", "size: XXL"));
    expect(error.message).toContain("epics.1.size: must be S, M, L or XL");
  });

  it("names a superpower that points at an epic the skill does not have", () => {
    const error = loadBroken((raw) => raw.replace("epics: [MLO-DEV-02]", "epics: [MLO-DEV-09]"));
    expect(error.message).toContain("superpowers.6.epics.0: unknown epic MLO-DEV-09");
  });

  it("names an epic whose body section is missing", () => {
    const error = loadBroken((raw) =>
      raw.replace("## MLO-DEV-02 AutoML Search Space Pruning", "## AutoML pruning"),
    );
    expect(error.message).toContain('body: no "## MLO-DEV-02 AutoML Search Space Pruning" section');
  });

  it("names a description over 1024 characters", () => {
    const error = loadBroken((raw) =>
      raw.replace(/\ndescription: >-\n( {2}.*\n)+/, `\ndescription: ${"x".repeat(1025)}\n`),
    );
    expect(error.message).toContain("description: must be at most 1024 characters");
  });

  it("explains a file without frontmatter", () => {
    const error = loadBroken((raw) => raw.replace(/^---\n/, ""));
    expect(error.issues[0]?.field).toBe("frontmatter");
    expect(error.message).toContain("must start with a --- line");
  });

  it("explains a file that cannot be read", () => {
    const missing = join(scratchDir, "absent", "SKILL.md");
    expect(() => loadSkill(missing)).toThrow(`${missing}: file: cannot be read (ENOENT)`);
  });
});
