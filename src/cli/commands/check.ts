import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { errorMessage } from "../../infra/errors.js";
import {
  reportFormats,
  renderResults,
  type ReportFormat,
  type RunResult,
} from "../../report/render.js";
import {
  abortOnInterrupt,
  cliLogger,
  loadCliConfig,
  logLevelFor,
  parseInputText,
  usageError,
  writeStdout,
} from "../context.js";
import { exitCodeForResults, exitCodes } from "../exit-codes.js";
import { requireTool, runTool } from "../run-tool.js";
import { parseFailOn } from "./run.js";

interface CheckOptions {
  config?: string;
  failOn?: string;
  format?: string;
  output?: string;
  verbose?: boolean;
}

function parseFormat(value: string | undefined): ReportFormat {
  const format = (value ?? "text") as ReportFormat;
  if (!reportFormats.includes(format)) {
    throw usageError(`--format: \`${value}\` is not one of ${reportFormats.join(", ")}`);
  }
  return format;
}

/** A check's input is inline, or a JSON/YAML file named relative to the config file. */
function checkInput(input: string | Record<string, unknown>, baseDir: string, where: string) {
  if (typeof input !== "string") return input;
  const path = resolve(baseDir, input);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw usageError(`${where}.input: cannot read ${path} (${errorMessage(error)})`);
  }
  return parseInputText(text, path);
}

async function check(options: CheckOptions): Promise<number> {
  const { config, baseDir, secrets } = loadCliConfig(options.config);
  const failOn = parseFailOn(options.failOn, config.defaults.fail_on);
  const format = parseFormat(options.format);
  const log = cliLogger(logLevelFor(config, options.verbose), secrets);

  if (config.checks.length === 0) {
    throw usageError(
      "the config names no checks; add a `checks:` list (see ml-optimizer.example.yaml)",
    );
  }

  // Resolve every check before running any, so a typo fails fast instead of after a long run.
  const planned = config.checks.map((entry, index) => {
    const where = `checks.${index}`;
    const tool = requireTool(entry.tool, `${where}.tool`);
    return { tool, name: entry.name ?? tool.name, input: checkInput(entry.input, baseDir, where) };
  });

  const interrupt = abortOnInterrupt();
  const results: RunResult[] = [];
  try {
    for (const check of planned) {
      if (interrupt.signal.aborted) break;
      results.push(
        await runTool(check.tool, check.input, check.name, {
          config,
          log,
          signal: interrupt.signal,
          progress: options.verbose,
        }),
      );
    }
  } finally {
    interrupt.dispose();
  }

  const rendered = renderResults(results, format, failOn);
  if (options.output) {
    writeFileSync(options.output, rendered);
    log.info(`wrote ${format} report to ${options.output}`);
  } else {
    await writeStdout(rendered);
  }
  for (const result of results) {
    if (result.error)
      process.stderr.write(`ml-optimizer: ${result.name}: ${result.error.message}\n`);
  }
  if (interrupt.interrupted()) return exitCodes.interrupted;
  return exitCodeForResults(results, failOn);
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("Run the checks the config names; exit 1 on a finding at or above --fail-on")
    .option("-c, --config <file>", "config file (default: ./ml-optimizer.yaml when present)")
    .option(
      "--fail-on <severity>",
      "info, low, medium, high or critical (default: config, else high)",
    )
    .option("-f, --format <format>", `report format: ${reportFormats.join(", ")}`, "text")
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("-v, --verbose", "log each step and progress to stderr")
    .action(async (options: CheckOptions) => {
      process.exitCode = await check(options);
    });
}
