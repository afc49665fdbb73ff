#!/usr/bin/env node
import { CommanderError } from "commander";
import { scrubSecrets } from "../infra/config.js";
import { knownSecrets, toCliError } from "./context.js";
import { exitCodes } from "./exit-codes.js";
import { createProgram } from "./program.js";

async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  // Commander exits 1 on usage errors; this CLI promises 2, so errors come back here.
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : exitCodes.pass;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; help shown because of a mistake (no command) is a usage error.
      return error.exitCode === 0 ? exitCodes.pass : exitCodes.usage;
    }
    const cliError = toCliError(error);
    process.stderr.write(`ml-optimizer: ${scrubSecrets(cliError.message, knownSecrets())}\n`);
    return cliError.exitCode;
  }
}

const code = await main(process.argv);
// Tools may leave sockets or timers behind after a cancel; the run is over, so do not wait.
process.exit(code);
