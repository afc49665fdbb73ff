import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { errorMessage } from "../../infra/errors.js";
import type { Logger } from "../../infra/logger.js";
import { renderResultText } from "../../report/render-text.js";
import { findTool, tools } from "../../server/registry.js";
import {
  abortOnInterrupt,
  cliLogger,
  loadCliConfig,
  logLevelFor,
  writeStdout,
} from "../context.js";
import { exitCodes } from "../exit-codes.js";
import { runTool } from "../run-tool.js";
import { startDemoStore, type DemoStore } from "./demo-store.js";

/** The package root, from src/cli/commands or dist/cli/commands alike. */
const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface DemoStep {
  name: string;
  tool: string;
  input: Record<string, unknown>;
}

/**
 * A MOJO the demo can validate: one the project's writer produced under fixtures/, else H2O's
 * own prostate GBM from the shared reference data beside the checkout.
 */
export function demoMojoPath(root = packageRoot): string | undefined {
  const owned = join(root, "fixtures", "mojos");
  if (existsSync(owned)) {
    const zip = readdirSync(owned).find((name) => name.endsWith(".zip"));
    if (zip) return join(owned, zip);
  }
  const shared = join(
    root,
    "..",
    "shared",
    "fixtures",
    "h2o-mojo",
    "h2o-3",
    "mojos",
    "gbm_prostate.zip",
  );
  return existsSync(shared) ? shared : undefined;
}

function demoSteps(mojoPath: string | undefined, store: DemoStore | undefined) {
  const steps: DemoStep[] = [
    {
      name: "memory split: FastAPI + MOJO scoring in 4Gi",
      tool: "calculate_memory_split",
      input: { workload: "fastapi-mojo-scoring", memory_limit: "4Gi", python_workers: 2 },
    },
    {
      name: "memory split: H2O training with XGBoost in 16Gi",
      tool: "calculate_memory_split",
      input: { workload: "h2o-training-xgboost", memory_limit: "16Gi" },
    },
    {
      name: "suggest tools for a latency question",
      tool: "suggest_tools",
      input: { question: "Why is my model inference p99 over 100 ms after the last deploy?" },
    },
  ];
  const skipped: string[] = [];
  const skippedTools: string[] = [];
  if (mojoPath) {
    steps.splice(2, 0, {
      name: "validate a MOJO artifact",
      tool: "validate_mojo_artifact",
      input: store
        ? { path: mojoPath, postgres_url: store.url, table: store.table }
        : { path: mojoPath },
    });
    if (!store) skipped.push("the feature-store check (the embedded PostgreSQL did not start)");
  } else {
    skipped.push("validate_mojo_artifact (no MOJO under fixtures/mojos or ../shared/fixtures)");
    skippedTools.push("validate_mojo_artifact");
  }
  return { steps, skipped, skippedTools };
}

async function demo(options: { verbose?: boolean }): Promise<number> {
  const { config, secrets } = loadCliConfig(undefined);
  const log = cliLogger(logLevelFor(config, options.verbose), secrets);
  const mojoPath = demoMojoPath();
  const store = mojoPath ? await startStoreOrExplain(log) : undefined;
  const { steps, skipped, skippedTools } = demoSteps(mojoPath, store);

  const runnable = steps.filter((step) => {
    if (findTool(step.tool)) return true;
    skipped.push(`${step.tool} (not in this build)`);
    return false;
  });
  // A tool the demo covers but had to skip is already in `skipped` with its reason.
  const demoed = new Set([...steps.map((step) => step.tool), ...skippedTools]);
  const needServices = tools.filter((tool) => !demoed.has(tool.name)).map((tool) => tool.name);
  if (needServices.length) {
    skipped.push(`${needServices.join(", ")} (need a live service; point a target at one)`);
  }

  const interrupt = abortOnInterrupt();
  let reports = 0;
  try {
    for (const step of runnable) {
      if (interrupt.signal.aborted) break;
      const tool = findTool(step.tool)!;
      const result = await runTool(tool, step.input, step.name, {
        config,
        log,
        signal: interrupt.signal,
        progress: options.verbose,
      });
      if (result.report) reports += 1;
      await writeStdout(`== ${step.name}\n\n${renderResultText(result)}\n`);
    }
  } finally {
    interrupt.dispose();
    await store?.close();
  }

  await writeStdout(
    `Demo ran ${reports} of ${runnable.length} tool runs. ` +
      (skipped.length ? `Skipped: ${skipped.join("; ")}.` : "Nothing skipped.") +
      "\n",
  );
  if (interrupt.interrupted()) return exitCodes.interrupted;
  return reports > 0 ? exitCodes.pass : exitCodes.internal;
}

async function startStoreOrExplain(log: Logger): Promise<DemoStore | undefined> {
  process.stderr.write("Starting an embedded PostgreSQL (PGlite) as the demo feature store...\n");
  try {
    return await startDemoStore();
  } catch (error) {
    log.warn(`the embedded PostgreSQL did not start: ${errorMessage(error)}`);
    return undefined;
  }
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Run every tool that needs no setup on built-in examples and print the reports")
    .option("-v, --verbose", "log each step to stderr")
    .action(async (options: { verbose?: boolean }) => {
      process.exitCode = await demo(options);
    });
}
