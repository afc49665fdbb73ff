import { readFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { exitCodes } from "../../src/cli/exit-codes.js";
import { renderToolDocs, replaceToolDocs } from "../../src/report/render-tool-docs.js";
import { tools } from "../../src/server/registry.js";
import { repoRoot } from "./cli-helpers.js";

const readmePath = join(repoRoot, "README.md");
const readme = readFileSync(readmePath, "utf8");

describe("README", () => {
  it("has the tool reference the registry generates (`npm run docs` fixes it)", async () => {
    const regenerated = replaceToolDocs(readme, renderToolDocs(tools));
    // The generator formats with Prettier, as the format check in CI would.
    const options = { ...(await resolveConfig(readmePath)), filepath: readmePath };
    expect(await format(regenerated, options)).toBe(readme);
  });

  it("documents a section for every registered tool", () => {
    for (const tool of tools) expect(readme).toContain(`### \`${tool.name}\``);
  });

  it("lists every exit code the command line uses", () => {
    for (const code of Object.values(exitCodes)) {
      expect(readme).toMatch(new RegExp(`^\\| ${code}\\s+\\|`, "m"));
    }
  });
});
