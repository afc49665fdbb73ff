/**
 * The container's HEALTHCHECK. A stdio server has no port to probe and is healthy while it
 * runs; an HTTP server (`serve --http`) must answer GET /health. The mode and port are read from
 * the command line of PID 1, which in the image is the ml-optimizer entrypoint.
 */
import { readFileSync } from "node:fs";

function serverArguments(): string[] {
  try {
    return readFileSync("/proc/1/cmdline", "utf8").split("\0").filter(Boolean);
  } catch {
    return process.argv.slice(2);
  }
}

function portOf(args: readonly string[]): string {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--port" || arg === "-p") return args[index + 1] ?? "8080";
    if (arg.startsWith("--port=")) return arg.slice("--port=".length);
  }
  return "8080";
}

async function check(): Promise<number> {
  const args = serverArguments();
  if (!args.includes("--http")) return 0;
  const url = `http://127.0.0.1:${portOf(args)}/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
    if (response.ok) return 0;
    process.stderr.write(`${url} answered ${response.status}\n`);
  } catch (error) {
    process.stderr.write(`${url} did not answer: ${String(error)}\n`);
  }
  return 1;
}

process.exit(await check());
