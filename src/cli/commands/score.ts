import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { errorMessage } from "../../infra/errors.js";
import { MojoError, type MojoModel } from "../../mojo/types.js";
import { usageError, writeStdout } from "../context.js";
import { exitCodes } from "../exit-codes.js";

interface ScoreOptions {
  mojo: string;
  input: string;
  output: string;
  decimal?: boolean;
}

function writeOutput(path: string, csv: string): void {
  try {
    writeFileSync(path, csv);
  } catch (error) {
    throw usageError(`--output ${path}: cannot write it (${errorMessage(error)})`);
  }
}

async function openModel(path: string): Promise<MojoModel> {
  // The runtime loads only when scoring: every other command starts without it.
  const { loadMojo } = await import("../../mojo/load.js");
  try {
    return loadMojo(path);
  } catch (error) {
    if (error instanceof MojoError) throw usageError(`--mojo ${path}: ${error.message}`);
    throw error;
  }
}

async function score(options: ScoreOptions): Promise<number> {
  const model = await openModel(options.mojo);
  const { scoreCsv } = await import("../../mojo/csv.js");
  let text: string;
  try {
    text = readFileSync(options.input === "-" ? 0 : options.input, "utf8");
  } catch (error) {
    throw usageError(`--input ${options.input}: cannot read it (${errorMessage(error)})`);
  }

  let scored;
  try {
    scored = scoreCsv(model, text, options.input, { decimal: options.decimal });
  } catch (error) {
    if (error instanceof MojoError) throw usageError(error.message);
    throw error;
  }
  if (scored.missingColumns.length) {
    process.stderr.write(
      `ml-optimizer score: the input has no column for ${scored.missingColumns.join(", ")}; ` +
        "scored as missing\n",
    );
  }

  if (options.output === "-") await writeStdout(scored.csv);
  else writeOutput(options.output, scored.csv);
  process.stderr.write(
    `ml-optimizer score: ${scored.rows} rows scored with ${model.meta.algo} ` +
      `(${model.meta.category}) -> ${options.output}\n`,
  );
  return exitCodes.pass;
}

export function registerScore(program: Command): void {
  program
    .command("score")
    .description("Score a CSV with a MOJO in-process, writing what h2o's PredictCsv writes")
    .requiredOption("-m, --mojo <path>", "the MOJO: a zip, or its unpacked folder")
    .requiredOption("-i, --input <csv>", "CSV with a header row; columns are matched by name")
    .requiredOption("-o, --output <csv>", "where to write the predictions (- for stdout)")
    .option(
      "--decimal",
      "write decimal numbers instead of Java hex floats, as PredictCsv --decimal",
    )
    .addHelpText(
      "after",
      '\nMissing values: "", NA, N/A and -. Unknown categorical levels are scored as missing.',
    )
    .action(async (options: ScoreOptions) => {
      process.exitCode = await score(options);
    });
}
