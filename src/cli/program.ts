import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerCheck } from "./commands/check.js";
import { registerDemo } from "./commands/demo.js";
import { registerRun } from "./commands/run.js";
import { registerScore } from "./commands/score.js";
import { registerServe } from "./commands/serve.js";
import { registerSkill } from "./commands/skill.js";

export function packageVersion(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

const exitCodeHelp = `
Exit codes:
  0    passed: no finding at or above --fail-on
  1    a finding at or above --fail-on (default: config defaults.fail_on, else high)
  2    bad usage or input: unknown tool or option, invalid JSON, a schema error
  3    a target could not be reached (database, Redis, HTTP endpoint, java)
  4    the tool ran out of its time budget (timeout_ms) or was cancelled
  5    internal error: the tool failed unexpectedly; please report it
  130  interrupted with Ctrl-C

Config: ./ml-optimizer.yaml, or --config / ML_OPTIMIZER_CONFIG. Targets can also come from
ML_OPTIMIZER_TARGET_<NAME>=<url>; ML_OPTIMIZER_READ_ONLY=1 forces read-only mode.`;

export function createProgram(): Command {
  const version = packageVersion();
  const program = new Command("ml-optimizer")
    .description(
      "Finds, measures and fixes what makes an H2O / FastAPI / PostgreSQL / Redis inference " +
        "platform slow or fragile. An MCP server, and a command line over the same tools.",
    )
    .version(version, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", exitCodeHelp);

  registerServe(program, version);
  registerRun(program);
  registerCheck(program);
  registerSkill(program);
  registerScore(program);
  registerDemo(program);
  return program;
}
