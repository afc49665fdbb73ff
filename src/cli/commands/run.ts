import type { Command } from "commander";
import { renderResultText } from "../../report/render-text.js";
import { severitySchema, type Severity } from "../../report/report.js";
import {
  abortOnInterrupt,
  cliLogger,
  loadCliConfig,
  logLevelFor,
  readInput,
  usageError,
  writeStdout,
} from "../context.js";
import { exitCodeForResults } from "../exit-codes.js";
import { requireTool, runTool, toolListing } from "../run-tool.js";

interface RunOptions {
  input?: string;
  json?: boolean;
  failOn?: string;
  config?: string;
  verbose?: boolean;
}

export function parseFailOn(value: string | undefined, fallback: Severity): Severity {
  if (value === undefined) return fallback;
  const parsed = severitySchema.safeParse(value);
  if (!parsed.success) {
    throw usageError(`--fail-on: \`${value}\` is not one of ${severitySchema.options.join(", ")}`);
  }
  return parsed.data;
}

async function run(toolName: string, options: RunOptions): Promise<number> {
  const { config, secrets } = loadCliConfig(options.config);
  const failOn = parseFailOn(options.failOn, config.defaults.fail_on);
  const tool = requireTool(toolName);
  const input = readInput(options.input);
  const log = cliLogger(logLevelFor(config, options.verbose), secrets);

  const interrupt = abortOnInterrupt();
  try {
    const result = await runTool(tool, input, tool.name, {
      config,
      log,
      signal: interrupt.signal,
      progress: options.verbose,
    });
    if (result.error) {
      process.stderr.write(`ml-optimizer: ${result.error.message}\n`);
    } else {
      await writeStdout(
        options.json ? JSON.stringify(result.report, null, 2) + "\n" : renderResultText(result),
      );
    }
    return exitCodeForResults([result], failOn, interrupt.interrupted());
  } finally {
    interrupt.dispose();
  }
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("Run one tool and print its report")
    .argument("<tool>", "tool name, as `ml-optimizer run --help` lists them")
    .option("-i, --input <file>", "the tool's input: a JSON or YAML file, or - for stdin")
    .option("--json", "print exactly the report JSON on stdout (logs go to stderr)")
    .option("--fail-on <severity>", "exit 1 at or above this severity (default: config, else high)")
    .option("-c, --config <file>", "config file (default: ./ml-optimizer.yaml when present)")
    .option("-v, --verbose", "log each step and progress to stderr")
    .addHelpText("after", () => `\nTools:\n${toolListing()}`)
    .action(async (toolName: string, options: RunOptions) => {
      process.exitCode = await run(toolName, options);
    });
}
