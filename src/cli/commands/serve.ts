import type { Command } from "commander";
import { loadSkill, SkillError } from "../../skill/index.js";
import { cliLogger, loadCliConfig, logLevelFor, usageError } from "../context.js";
import { exitCodes } from "../exit-codes.js";

interface ServeOptions {
  http?: boolean;
  port: string;
  host: string;
  readOnly?: boolean;
  allowHost?: string[];
  config?: string;
  verbose?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError(`--port: \`${value}\` is not a port number (0-65535; 0 picks a free one)`);
  }
  return port;
}

/** Resolves on the first SIGINT or SIGTERM, so the server can close cleanly. */
function untilStopped(): Promise<string> {
  return new Promise((resolvePromise) => {
    const stop = (signal: string) => resolvePromise(signal);
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

async function serve(options: ServeOptions, version: string): Promise<number> {
  const { config, secrets } = loadCliConfig(options.config, options.readOnly);
  const log = cliLogger(logLevelFor(config, options.verbose), secrets);
  let skill;
  try {
    skill = loadSkill();
  } catch (error) {
    if (error instanceof SkillError) throw usageError(`SKILL.md is broken: ${error.message}`);
    throw error;
  }
  const serverOptions = { config, log, skill, version };

  if (!options.http) {
    log.info(`serving MCP on stdio${config.read_only ? " (read-only)" : ""}`);
    // Loaded here so `run` and `check` never pay for the MCP SDK's start-up.
    const { serveStdio } = await import("../../server/stdio.js");
    const handle = serveStdio(serverOptions);
    // The session ends when the client closes stdin, or on a signal.
    await Promise.race([
      untilStopped(),
      new Promise((resolvePromise) => process.stdin.once("end", resolvePromise)),
    ]);
    await handle.close();
    return exitCodes.pass;
  }

  const port = parsePort(options.port);
  const { serveHttp } = await import("../../server/http.js");
  const server = await serveHttp({
    ...serverOptions,
    port,
    host: options.host,
    allowedHosts: options.allowHost ?? [],
  });
  process.stderr.write(
    `ml-optimizer: serving MCP over Streamable HTTP at ${server.url}` +
      `${config.read_only ? " (read-only)" : ""}; Ctrl-C stops\n`,
  );
  const signal = await untilStopped();
  log.info(`${signal}: closing the HTTP server`);
  await server.close();
  return exitCodes.pass;
}

export function registerServe(program: Command, version: string): void {
  program
    .command("serve")
    .description("Run the MCP server: stdio by default, Streamable HTTP with --http")
    .option("--http", "serve Streamable HTTP at /mcp (GET /health answers probes)")
    .option("-p, --port <port>", "HTTP port", "8080")
    .option("--host <host>", "HTTP bind address; use 0.0.0.0 inside a container", "127.0.0.1")
    .option(
      "--allow-host <name...>",
      "extra Host names clients may use (name or name:port), e.g. behind a proxy",
    )
    .option("--read-only", "hide every tool that writes anything, even to scratch space")
    .option("-c, --config <file>", "config file (default: ./ml-optimizer.yaml when present)")
    .option("-v, --verbose", "log each request and step to stderr")
    .action(async (options: ServeOptions) => {
      process.exitCode = await serve(options, version);
    });
}
