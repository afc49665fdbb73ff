import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitCodes } from "../../src/cli/exit-codes.js";
import { renderToolDocs, replaceToolDocs } from "../../src/report/render-tool-docs.js";
import { tools } from "../../src/server/registry.js";
import { repoRoot } from "./cli-helpers.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

describe("README", () => {
  it("has the tool reference the registry generates (run `npm run docs` when this fails)", () => {
    expect(replaceToolDocs(readme, renderToolDocs(tools))).toBe(readme);
  });

  it("documents a section for every registered tool", () => {
    for (const tool of tools) expect(readme).toContain(`### \`${tool.name}\``);
  });

  it("lists every exit code the command line uses", () => {
    for (const code of Object.values(exitCodes)) {
      expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
    }
  });
});
