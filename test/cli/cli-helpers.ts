import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const cliPath = join(repoRoot, "dist", "cli", "main.js");
export const sharedFixtures = join(repoRoot, "..", "shared", "fixtures");
export const h2oFixtures = join(sharedFixtures, "h2o-mojo", "h2o-3");

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * These tests run the built command line, as users do. `npm test` builds first; a lone
 * `vitest run test/cli` rebuilds here when a source is newer than the build, under the shared
 * lock so parallel builds never interleave.
 */
export function ensureBuilt(): void {
  const builtMs = existsSync(cliPath) ? statSync(cliPath).mtimeMs : 0;
  if (builtMs >= newestSourceMs(join(repoRoot, "src"))) return;
  execFileSync("flock", ["/tmp/build.lock", "npm", "run", "build"], {
    cwd: repoRoot,
    stdio: "ignore",
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A loopback port nothing listens on: bound once by us, then released. */
export function closedPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}
