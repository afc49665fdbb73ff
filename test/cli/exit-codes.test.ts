import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { findTool } from "../../src/server/registry.js";
import { closedPort, ensureBuilt, h2oFixtures, runCli } from "./cli-helpers.js";

beforeAll(ensureBuilt, 240_000);

const workDir = mkdtempSync(join(tmpdir(), "mlo-exit-"));
const offTopic = JSON.stringify({ question: "what is the weather in paris" });
const onTopic = JSON.stringify({ question: "container OOMKilled, how big should the heap be" });

function writeConfig(name: string, yaml: string): string {
  const path = join(workDir, name);
  writeFileSync(path, yaml);
  return path;
}

describe.concurrent("run: findings and --fail-on", () => {
  // suggest_tools reports an info finding (SKL001) for a question no tool answers.
  it("exits 0 when the only finding is below the default threshold (high)", async () => {
    const result = await runCli(["run", "suggest_tools", "--input", "-"], { input: offTopic });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[INFO] SKL001");
  });

  it("exits 1 when a finding reaches --fail-on", async () => {
    const result = await runCli(["run", "suggest_tools", "--input", "-", "--fail-on", "info"], {
      input: offTopic,
    });
    expect(result.code).toBe(1);
  });

  it("takes the threshold from the config's defaults.fail_on", async () => {
    const config = writeConfig("fail-on-info.yaml", "defaults:\n  fail_on: info\n");
    const failing = await runCli(["run", "suggest_tools", "-i", "-", "-c", config], {
      input: offTopic,
    });
    expect(failing.code).toBe(1);
    const overridden = await runCli(
      ["run", "suggest_tools", "-i", "-", "-c", config, "--fail-on", "low"],
      { input: offTopic },
    );
    expect(overridden.code).toBe(0);
  });

  it("exits 2 naming the field when the config is invalid", async () => {
    const config = writeConfig("bad.yaml", "defaults:\n  fail_on: severe\n");
    const result = await runCli(["run", "suggest_tools", "-c", config], { input: onTopic });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("defaults.fail_on");
  });
});

const junitParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testcase", "failure", "error"].includes(name),
});

interface JunitCase {
  name: string;
  classname: string;
  failure?: { type: string; message: string }[];
  error?: { type: string; message: string }[];
}

describe.concurrent("check", () => {
  const checks = [
    "checks:",
    "  - name: off-topic question",
    "    tool: suggest_tools",
    `    input: ${offTopic}`,
    "  - name: memory question",
    "    tool: suggest_tools",
    "    input: question.json",
  ].join("\n");
  writeFileSync(join(workDir, "question.json"), onTopic);
  const config = writeConfig("checks.yaml", checks + "\n");

  it("writes JUnit XML: a testcase per check, a failure per finding at fail-on", async () => {
    const output = join(workDir, "junit.xml");
    const result = await runCli([
      "check",
      "-c",
      config,
      "--format",
      "junit",
      "--output",
      output,
      "--fail-on",
      "info",
    ]);
    expect(result.code).toBe(1);
    const xml = junitParser.parse(readFileSync(output, "utf8")) as {
      testsuites: { tests: string; failures: string; testsuite: { testcase: JunitCase[] } };
    };
    expect(xml.testsuites.tests).toBe("2");
    expect(xml.testsuites.failures).toBe("1");
    const [offTopicCase, memoryCase] = xml.testsuites.testsuite.testcase;
    expect(offTopicCase!.name).toBe("off-topic question");
    expect(offTopicCase!.classname).toBe("ml-optimizer.suggest_tools");
    expect(offTopicCase!.failure).toHaveLength(1);
    expect(offTopicCase!.failure![0]!.type).toBe("info");
    expect(offTopicCase!.failure![0]!.message).toMatch(/^SKL001 /);
    expect(memoryCase!.failure).toBeUndefined();
  });

  it("passes the same checks at the default threshold and prints text", async () => {
    const result = await runCli(["check", "-c", config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("suggest_tools: PASS");
  });

  it("writes markdown that counts the checks failing at the threshold", async () => {
    const result = await runCli(["check", "-c", config, "-f", "markdown", "--fail-on", "info"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("1 of 2 checks passed (failing at info and above).");
    expect(result.stdout).toContain("| info | `SKL001` |");
  });

  it("prints one JSON document with every check", async () => {
    const result = await runCli(["check", "-c", config, "--format", "json"]);
    const parsed = JSON.parse(result.stdout) as { checks: { name: string }[] };
    expect(parsed.checks.map((check) => check.name)).toEqual([
      "off-topic question",
      "memory question",
    ]);
  });

  it("exits 2 naming the check whose tool is unknown", async () => {
    const broken = writeConfig("unknown-tool.yaml", "checks:\n  - tool: nope\n");
    const result = await runCli(["check", "-c", broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("checks.0.tool: unknown tool `nope`");
  });

  it("exits 2 when the config has no checks", async () => {
    const empty = writeConfig("empty.yaml", "read_only: true\n");
    const result = await runCli(["check", "-c", empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no checks");
  });
});

// Exit 3 needs a tool that connects somewhere; validate_mojo_artifact reaches the feature store.
const mojoPath = join(h2oFixtures, "mojos", "gbm_prostate.zip");
const canReachOut = findTool("validate_mojo_artifact") !== undefined && existsSync(mojoPath);

describe.skipIf(!canReachOut)("unreachable targets and secrets", () => {
  const password = "Sup3rS3cretPw0rd";

  it("exits 3 on a closed port and never prints the password", async () => {
    const port = await closedPort();
    const config = writeConfig(
      "secret.yaml",
      "targets:\n  feature_store:\n" +
        `    url: postgres://app:${password}@127.0.0.1:${port}/features\n`,
    );
    const input = JSON.stringify({ path: mojoPath, postgres_url: "feature_store", table: "f" });
    for (const json of [[], ["--json"]]) {
      const result = await runCli(
        ["run", "validate_mojo_artifact", "-i", "-", "-c", config, "-v", ...json],
        { input },
      );
      expect(result.code).toBe(3);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(result.stderr).toContain(String(port));
    }
  });

  it("keeps a password from ML_OPTIMIZER_TARGET_* out of the output", async () => {
    const port = await closedPort();
    const input = JSON.stringify({ path: mojoPath, postgres_url: "features", table: "f" });
    const result = await runCli(["run", "validate_mojo_artifact", "-i", "-", "-v"], {
      input,
      env: { ML_OPTIMIZER_TARGET_FEATURES: `postgres://app:${password}@127.0.0.1:${port}/db` },
    });
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).not.toContain(password);
  });
});
