import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  Client,
  StreamableHTTPClientTransport,
  type ClientOptions,
  type JSONRPCMessage,
  type Transport,
} from "@modelcontextprotocol/client";
import { defaultConfig } from "../../src/infra/config.js";
import { silentLogger } from "../../src/infra/logger.js";
import type { McpServerOptions } from "../../src/server/server.js";
import { loadSkill } from "../../src/skill/index.js";
import { cliPath, repoRoot, sharedFixtures } from "../cli/cli-helpers.js";

export { cliPath, ensureBuilt, repoRoot } from "../cli/cli-helpers.js";

/** The two protocol revisions the server must serve; the client is forced to each in turn. */
export const eras = ["2025-11-25", "2026-07-28"] as const;
export type Era = (typeof eras)[number];

export function clientFor(era: Era): Client {
  // The SDK client speaks the 2025 handshake unless pinned to the modern revision.
  const options: ClientOptions =
    era === "2026-07-28"
      ? { versionNegotiation: { mode: { pin: "2026-07-28" } } }
      : { supportedProtocolVersions: ["2025-11-25"] };
  return new Client({ name: "ml-optimizer-tests", version: "1.0.0" }, options);
}

export async function connectHttp(url: string, era: Era): Promise<Client> {
  const client = clientFor(era);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

export function serverOptions(overrides: Partial<McpServerOptions> = {}): McpServerOptions {
  return {
    config: defaultConfig(),
    log: silentLogger,
    skill: loadSkill(),
    version: "0.0.0-test",
    ...overrides,
  };
}

/**
 * A stdio transport over the built server that keeps every raw stdout line, so a test can prove
 * the stream carries nothing but JSON-RPC. A line that does not parse is kept, not delivered.
 */
export class RecordingStdioTransport implements Transport {
  readonly stdoutLines: string[] = [];
  readonly stderrChunks: string[] = [];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child?: ChildProcessWithoutNullStreams;
  private pending = "";

  constructor(private readonly args: string[] = ["serve"]) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [cliPath, ...this.args], { cwd: repoRoot });
    this.child = child;
    child.stdout.on("data", (chunk: Buffer) => this.onStdout(chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => this.stderrChunks.push(chunk.toString("utf8")));
    child.on("error", (error) => this.onerror?.(error));
    child.on("close", () => this.onclose?.());
  }

  private onStdout(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf("\n");
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).replace(/\r$/, "");
      this.pending = this.pending.slice(newline + 1);
      this.stdoutLines.push(line);
      try {
        this.onmessage?.(JSON.parse(line) as JSONRPCMessage);
      } catch {
        // Kept in stdoutLines for the test to report.
      }
      newline = this.pending.indexOf("\n");
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child?.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolvePromise) => child.once("close", resolvePromise));
    child.stdin.end();
    const timer = setTimeout(() => child.kill("SIGTERM"), 2000);
    await exited;
    clearTimeout(timer);
  }

  /** Bytes left after the last newline: a partial line would mean a broken frame. */
  get trailing(): string {
    return this.pending;
  }
}

const mojolandIris = join(
  sharedFixtures,
  "h2o-mojo/mojoland/mojos/gbm/iris/v1.40/gbm_v1.40_iris.mojo",
);

/**
 * One valid input per tool, so the contract tests can call every registered tool. A tool that is
 * registered without an entry here fails those tests: add one when you add a tool.
 */
export const sampleInputs: Record<string, { input: Record<string, unknown>; skip?: string }> = {
  calculate_memory_split: { input: { workload: "mojo-scoring", memory_limit: "1Gi" } },
  suggest_tools: { input: { question: "p99 inference latency went to 400 ms after the deploy" } },
  validate_mojo_artifact: {
    input: { path: mojolandIris, latency_rows: 100, warmup_rows: 100 },
    skip: existsSync(mojolandIris) ? undefined : `${mojolandIris} is absent`,
  },
};
