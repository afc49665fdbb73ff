import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { load as parseYaml, YAMLException } from "js-yaml";
import {
  defaultConfigFile,
  loadConfig,
  scrubSecrets,
  secretsOf,
  type Config,
} from "../infra/config.js";
import { ToolError, errorMessage } from "../infra/errors.js";
import type { Logger, LogLevel } from "../infra/logger.js";
import { exitCodeForError, exitCodes } from "./exit-codes.js";

/** An error the command line reports in one line and turns into its exit status. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(exitCodes.usage, message);

export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ToolError) return new CliError(exitCodeForError(error.kind), error.message);
  return new CliError(exitCodes.internal, `internal error: ${errorMessage(error)}`);
}

const configSecrets = new Set<string>();

/** Every secret this process knows of: passwords in the config and in target variables. */
export function knownSecrets(): string[] {
  const secrets = new Set(configSecrets);
  for (const [key, value] of Object.entries(process.env)) {
    if (!value || !key.startsWith("ML_OPTIMIZER_TARGET_")) continue;
    try {
      const password = new URL(value).password;
      if (password.length >= 3) secrets.add(password).add(decodeURIComponent(password));
    } catch {
      // Not a URL: no password to hide.
    }
  }
  return [...secrets];
}

export interface CliConfig {
  config: Config;
  /** The folder relative paths in the config are read from. */
  baseDir: string;
  secrets: string[];
}

export function loadCliConfig(path: string | undefined, readOnly = false): CliConfig {
  const explicit = path ?? process.env.ML_OPTIMIZER_CONFIG;
  const file = resolve(explicit ?? defaultConfigFile);
  const config = loadConfig({ path });
  if (readOnly) config.read_only = true;
  for (const secret of secretsOf(config)) configSecrets.add(secret);
  return {
    config,
    baseDir: explicit || existsSync(file) ? dirname(file) : process.cwd(),
    secrets: secretsOf(config),
  };
}

/** Logs to stderr with every configured secret removed, whatever the message carries. */
export function cliLogger(level: LogLevel, secrets: readonly string[], scope = "ml-optimizer") {
  const write = (tag: string, message: string) =>
    process.stderr.write(`[${scope}] ${tag}${scrubSecrets(message, secrets)}\n`);
  const logger: Logger = {
    info: (message) => {
      if (level !== "quiet") write("", message);
    },
    debug: (message) => {
      if (level === "debug") write("debug: ", message);
    },
    warn: (message) => write("warning: ", message),
    child: (child) => cliLogger(level, secrets, `${scope}:${child}`),
  };
  return logger;
}

export function logLevelFor(config: Config, verbose: boolean | undefined): LogLevel {
  if (config.log_level === "debug") return "debug";
  return verbose ? "info" : config.log_level;
}

function readSource(spec: string): { text: string; where: string } {
  if (spec === "-") {
    if (process.stdin.isTTY) throw usageError("--input -: stdin is a terminal; pipe JSON into it");
    return { text: readFileSync(0, "utf8"), where: "stdin" };
  }
  try {
    return { text: readFileSync(spec, "utf8"), where: spec };
  } catch (error) {
    throw usageError(`--input ${spec}: cannot read it (${errorMessage(error)})`);
  }
}

/** Parses a tool's input: JSON, or YAML when the file says so or does not look like JSON. */
export function parseInputText(text: string, where: string): Record<string, unknown> {
  const trimmed = text.trim();
  const looksJson = trimmed.startsWith("{") || trimmed.startsWith("[");
  const isYamlFile = /\.ya?ml$/i.test(where);
  let value: unknown;

  if (looksJson && !isYamlFile) {
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw usageError(`${where}: invalid JSON (${errorMessage(error)})`);
    }
  } else {
    try {
      value = trimmed === "" ? {} : parseYaml(trimmed);
    } catch (error) {
      const detail = error instanceof YAMLException ? error.message.split("\n")[0] : error;
      throw usageError(`${where}: neither JSON nor valid YAML (${errorMessage(detail)})`);
    }
  }

  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw usageError(`${where}: the input must be an object of the tool's fields`);
  }
  return value as Record<string, unknown>;
}

export function readInput(spec: string | undefined): Record<string, unknown> {
  if (spec === undefined) return {};
  const { text, where } = readSource(spec);
  return parseInputText(text, where);
}

/**
 * Ctrl-C aborts the running tool through its signal; a second Ctrl-C stops at once.
 */
export function abortOnInterrupt(): {
  signal: AbortSignal;
  interrupted(): boolean;
  dispose(): void;
} {
  const controller = new AbortController();
  let count = 0;
  const onSignal = () => {
    count += 1;
    if (count > 1) process.exit(exitCodes.interrupted);
    process.stderr.write("[ml-optimizer] interrupted; stopping the tool (Ctrl-C again to quit)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    interrupted: () => count > 0,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

export function writeStdout(text: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolvePromise()));
  });
}
