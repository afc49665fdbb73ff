import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tools } from "../../src/server/registry.js";
import { ensureBuilt, repoRoot, runCli } from "./cli-helpers.js";

beforeAll(ensureBuilt, 240_000);

const workDir = mkdtempSync(join(tmpdir(), "mlo-cli-"));

describe.concurrent("help and version", () => {
  it("prints the version from package.json", async () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it("lists every command and the exit codes in the top-level help", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["serve", "run", "check", "skill", "score", "demo"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    expect(result.stdout).toContain("3    a target could not be reached");
  });

  it("lists every registered tool in `run --help`", async () => {
    const result = await runCli(["run", "--help"]);
    expect(result.code).toBe(0);
    for (const tool of tools) expect(result.stdout).toContain(tool.name);
  });

  it.each([
    ["serve", "--http"],
    ["check", "--format"],
    ["score", "--decimal"],
    ["skill", "--json"],
    ["demo", "--verbose"],
  ])("documents the options of %s", async (command, option) => {
    const result = await runCli([command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(option);
  });

  it("exits 2 with usage on stderr when no command is given", async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Usage: ml-optimizer");
  });
});

describe.concurrent("run: usage and input errors exit 2", () => {
  it("names an unknown tool and lists the known ones", async () => {
    const result = await runCli(["run", "no_such_tool"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown tool `no_such_tool`");
    expect(result.stderr).toContain("suggest_tools");
  });

  it("rejects an unknown option", async () => {
    const result = await runCli(["run", "suggest_tools", "--no-such-option"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-option'");
  });

  it("says the input is invalid JSON", async () => {
    const result = await runCli(["run", "suggest_tools", "--input", "-"], {
      input: '{"question": ',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("stdin: invalid JSON");
    expect(result.stdout).toBe("");
  });

  it("names the field that fails the schema", async () => {
    const result = await runCli(["run", "suggest_tools", "--input", "-", "--json"], {
      input: JSON.stringify({ question: "why is it slow", limit: 99 }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/limit: limit above 10/);
    expect(result.stdout).toBe("");
  });

  it("rejects an unknown --fail-on severity", async () => {
    const result = await runCli(["run", "suggest_tools", "--fail-on", "severe"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--fail-on: `severe` is not one of info, low");
  });

  it("reads YAML input from a file", async () => {
    const path = join(workDir, "question.yaml");
    writeFileSync(path, "question: container OOMKilled under load\nlimit: 1\n");
    const result = await runCli(["run", "suggest_tools", "--input", path, "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { details: { suggestions: unknown[] } };
    expect(report.details.suggestions).toHaveLength(1);
  });
});

describe.concurrent("run --json", () => {
  it("writes exactly one JSON document, the report, on stdout", async () => {
    const result = await runCli(["run", "suggest_tools", "--input", "-", "--json", "-v"], {
      input: JSON.stringify({ question: "jsonb queries are slow, which index?" }),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report.tool).toBe("suggest_tools");
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(["target", "status", "summary", "findings", "metrics"]),
    );
    // Verbose logs went to stderr, not into the document.
    expect(result.stderr).toContain("running suggest_tools");
  });

  it("prints a readable report without --json", async () => {
    const result = await runCli(["run", "suggest_tools", "--input", "-"], {
      input: JSON.stringify({ question: "redis cache returns stale predictions" }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^suggest_tools: (PASS|WARN|FAIL) /);
    expect(result.stdout).toContain("Metrics:");
  });
});
