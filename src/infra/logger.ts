/** Logs go to stderr only: on stdio, stdout belongs to the protocol. */
export type LogLevel = "quiet" | "info" | "debug";

export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
  child(scope: string): Logger;
}

export function createLogger(level: LogLevel, scope = "ml-optimizer"): Logger {
  const write = (tag: string, message: string) => {
    process.stderr.write(`[${scope}] ${tag}${message}\n`);
  };
  return {
    info: (message) => {
      if (level !== "quiet") write("", message);
    },
    debug: (message) => {
      if (level === "debug") write("debug: ", message);
    },
    warn: (message) => write("warning: ", message),
    child: (child) => createLogger(level, `${scope}:${child}`),
  };
}

export const silentLogger: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: () => undefined,
  child: () => silentLogger,
};
