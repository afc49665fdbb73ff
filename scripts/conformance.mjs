// Runs the MCP conformance suite's server scenarios against the built server over Streamable
// HTTP: `npm run conformance` (builds first). Scenarios listed in test/conformance-baseline.json
// need the suite's own fixture tools, prompts or resources (test_simple_text, test://static-text,
// ...), which this server does not carry; every other scenario must pass, and a baseline entry
// that starts passing must be removed. Exit status 1 on either.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, URL } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repoRoot, "dist", "cli", "main.js");
const suite = join(
  repoRoot,
  "node_modules",
  "@modelcontextprotocol",
  "conformance",
  "dist",
  "index.js",
);
const baselinePath = join(repoRoot, "test", "conformance-baseline.json");

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePromise(port));
    });
  });
}

async function waitForHealth(port, server) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      const response = await globalThis.fetch(`http://localhost:${port}/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`the server did not answer /health on port ${port} within 10 s`);
}

function run(command, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("close", (code) => resolvePromise(code));
  });
}

/** Scenario name to outcome, from the suite's per-scenario `checks.json` files. */
function readOutcomes(outputDir) {
  const outcomes = new Map();
  for (const dir of readdirSync(outputDir)) {
    const scenario = dir.replace(/^server-/, "").replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, "");
    const checks = JSON.parse(readFileSync(join(outputDir, dir, "checks.json"), "utf8"));
    const failed = checks.filter((check) => check.status === "FAILURE");
    outcomes.set(scenario, { checks, failed });
  }
  return outcomes;
}

const baseline = JSON.parse(readFileSync(baselinePath, "utf8")).expected_failures;
const port = await freePort();
const server = spawn(process.execPath, [cli, "serve", "--http", "--port", String(port)], {
  stdio: ["ignore", "ignore", "pipe"],
});
let serverLog = "";
server.stderr.on("data", (chunk) => (serverLog += chunk.toString()));
const outputDir = mkdtempSync(join(tmpdir(), "mlo-conformance-"));

let exitCode = 1;
try {
  await waitForHealth(port, server);
  const url = `http://localhost:${port}/mcp`;
  await run(process.execPath, [suite, "server", "--url", url, "--output-dir", outputDir]);

  const outcomes = readOutcomes(outputDir);
  const passed = [...outcomes].filter(([, outcome]) => outcome.failed.length === 0);
  const unexpected = [...outcomes].filter(
    ([name, outcome]) => outcome.failed.length > 0 && !(name in baseline),
  );
  const stale = passed.filter(([name]) => name in baseline);
  const missing = Object.keys(baseline).filter((name) => !outcomes.has(name));

  console.log(
    `conformance: ${passed.length} of ${outcomes.size} scenarios pass; ` +
      `${outcomes.size - passed.length} fail, all listed in the baseline` +
      (unexpected.length > 0 ? ` except ${unexpected.length}` : ""),
  );
  for (const [name, outcome] of unexpected) {
    const reasons = outcome.failed.map((check) => check.errorMessage ?? check.id).join("; ");
    console.error(`unexpected failure: ${name}: ${reasons}`);
  }
  for (const [name] of stale) console.error(`passes now, remove it from the baseline: ${name}`);
  for (const name of missing)
    console.error(`the suite no longer runs ${name}; drop it from the baseline`);
  exitCode = unexpected.length + stale.length > 0 ? 1 : 0;
} catch (error) {
  console.error(`conformance: ${error instanceof Error ? error.message : error}\n${serverLog}`);
} finally {
  server.kill("SIGTERM");
  rmSync(outputDir, { recursive: true, force: true });
}
process.exit(exitCode);
