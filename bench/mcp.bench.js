// MCP over stdio, this server beside @modelcontextprotocol/server-everything in the same run:
// time from spawn to the first tools/list reply (median of BENCH_SPAWNS spawns), and tools/call
// round trips p50/p99 over BENCH_CALLS sequential calls on one connection. The driver speaks raw
// JSON-RPC so no client-side validation lands in the figures. Run with `npm run bench`.
//
// calculate_memory_split is measured twice: with live_checks off (the pure calculation, the row
// compared with echo), and with live checks against the real `java` on PATH, where the first call
// of a connection starts two JVMs and the timed calls reuse the JVM's cached answers for the same
// binary and flags. The first live calls of fresh servers are timed on their own.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { setTimeout } from "node:timers";
import { fileURLToPath, URL } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const spawns = Number(process.env.BENCH_SPAWNS ?? 10);
const calls = Number(process.env.BENCH_CALLS ?? 1000);
const coldJvmSpawns = Number(process.env.BENCH_JVM_SPAWNS ?? 3);

const servers = {
  "ml-optimizer": { command: process.execPath, args: [`${repoRoot}dist/cli/main.js`, "serve"] },
  "server-everything": {
    command: process.execPath,
    args: [
      `${repoRoot}node_modules/@modelcontextprotocol/server-everything/dist/index.js`,
      "stdio",
    ],
  },
};

/** A stdio JSON-RPC connection: `request` resolves with the reply to that id. */
function connect(server) {
  const child = spawn(server.command, server.args, {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "ignore"],
  });
  const waiting = new Map();
  let nextId = 1;
  let buffered = "";
  child.stdout.on("data", (chunk) => {
    buffered += chunk.toString("utf8");
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const message = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      const settle = waiting.get(message.id);
      if (settle && ("result" in message || "error" in message)) {
        waiting.delete(message.id);
        settle(message);
      }
    }
  });
  const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);
  return {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolvePromise) => {
        waiting.set(id, resolvePromise);
        send({ jsonrpc: "2.0", id, method, params });
      });
    },
    notify: (method, params) => send({ jsonrpc: "2.0", method, params }),
    close() {
      return new Promise((resolvePromise) => {
        child.once("close", resolvePromise);
        child.stdin.end();
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
    },
  };
}

async function initialize(connection) {
  const reply = await connection.request("initialize", {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "ml-optimizer-bench", version: "1.0.0" },
  });
  if (reply.error) throw new Error(`initialize failed: ${reply.error.message}`);
  connection.notify("notifications/initialized");
}

async function spawnToToolsList(server) {
  const started = performance.now();
  const connection = connect(server);
  await initialize(connection);
  const reply = await connection.request("tools/list", {});
  const elapsedMs = performance.now() - started;
  if (!reply.result?.tools?.length) throw new Error("tools/list returned no tools");
  await connection.close();
  return elapsedMs;
}

async function roundTrips(server, name, args, count) {
  const connection = connect(server);
  await initialize(connection);
  const firstStarted = performance.now();
  const first = await connection.request("tools/call", { name, arguments: args });
  const firstMs = performance.now() - firstStarted;
  if (first.error || first.result.isError) {
    throw new Error(`${name} failed: ${JSON.stringify(first.error ?? first.result.content)}`);
  }
  // Untimed warm-up calls, so both servers are measured with their code paths optimised.
  for (let call = 0; call < Math.min(count, warmupCalls); call += 1) {
    await connection.request("tools/call", { name, arguments: args });
  }
  const timesMs = [];
  const toolMs = [];
  let jvmStarts = 0;
  let last = first;
  for (let call = 0; call < count; call += 1) {
    const started = performance.now();
    const reply = await connection.request("tools/call", { name, arguments: args });
    timesMs.push(performance.now() - started);
    // A report's own duration_ms is the tool's work; the rest is protocol and transport.
    const duration = reply.result?.structuredContent?.duration_ms;
    if (typeof duration === "number") toolMs.push(duration);
    jvmStarts += reply.result?.structuredContent?.metrics?.jvm_starts ?? 0;
    last = reply;
  }
  await connection.close();
  return Object.assign(timesMs, { toolMs, firstMs, first, last, jvmStarts });
}

const warmupCalls = 500;

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const startupMs = { "ml-optimizer": [], "server-everything": [] };
for (let round = 0; round < spawns; round += 1) {
  for (const [label, server] of Object.entries(servers)) {
    startupMs[label].push(await spawnToToolsList(server));
  }
}

const split = { workload: "mojo-scoring", memory_limit: "1Gi" };
const pureMs = await roundTrips(
  servers["ml-optimizer"],
  "calculate_memory_split",
  { ...split, live_checks: false },
  calls,
);
const echoMs = await roundTrips(servers["server-everything"], "echo", { message: "ping" }, calls);
// The same bytes on the wire as the memory split's reply (half sent, half echoed back), to tell
// the server's per-call overhead apart from the cost of moving a 6 KB report over stdio.
const replyBytes = JSON.stringify(pureMs.first).length;
const sizedEcho = { message: "x".repeat(Math.round(replyBytes / 2)) };
const echoSizedMs = await roundTrips(servers["server-everything"], "echo", sizedEcho, calls);
const question = { question: "p99 inference latency went to 400 ms after the deploy" };
const suggestMs = await roundTrips(servers["ml-optimizer"], "suggest_tools", question, calls);

// Live rows only count when a JVM really answered; without java they would time a failed lookup.
const liveMs = await roundTrips(servers["ml-optimizer"], "calculate_memory_split", split, calls);
const jvmAnswered = (reply) => reply.result?.structuredContent?.details?.live_check != null;
const liveChecked = jvmAnswered(liveMs.first) && jvmAnswered(liveMs.last);
const coldLiveMs = [];
for (let spawn = 0; liveChecked && spawn < coldJvmSpawns; spawn += 1) {
  const fresh = await roundTrips(servers["ml-optimizer"], "calculate_memory_split", split, 0);
  coldLiveMs.push(fresh.firstMs);
}

const fixed = (value) => value.toFixed(2).padStart(9);
const startupOurs = quantile(startupMs["ml-optimizer"], 0.5);
const startupEcho = quantile(startupMs["server-everything"], 0.5);
console.log(`spawn to first tools/list reply, median of ${spawns} spawns (ms)`);
console.log(`  ml-optimizer       ${fixed(startupOurs)}`);
console.log(`  server-everything  ${fixed(startupEcho)}`);
console.log(`  ratio              ${fixed(startupOurs / startupEcho)}x`);
console.log("");
console.log("tools/call round trips over stdio (ms)      calls       p50       p99  tool p50");
const row = (label, times) =>
  console.log(
    `  ${label.padEnd(40)} ${String(times.length).padStart(5)} ${fixed(quantile(times, 0.5))}` +
      ` ${fixed(quantile(times, 0.99))}` +
      (times.toolMs.length > 0 ? ` ${fixed(quantile(times.toolMs, 0.5))}` : "         -"),
  );
row("calculate_memory_split live_checks=false", pureMs);
row("server-everything echo", echoMs);
row(`server-everything echo, ${replyBytes} B moved`, echoSizedMs);
row("suggest_tools", suggestMs);
if (liveChecked) {
  row("calculate_memory_split live, JVM cached", liveMs);
  console.log(
    `    (${liveMs.jvmStarts} JVM starts in the ${liveMs.length} timed calls; the untimed first ` +
      "call of the connection started the JVM twice)",
  );
  console.log(
    `  calculate_memory_split live, first call of a fresh server (two JVM starts): median of ` +
      `${coldLiveMs.length} ${fixed(quantile(coldLiveMs, 0.5))} ms`,
  );
} else {
  console.log("  calculate_memory_split live: not measured, no JVM answered (is `java` on PATH?)");
}
console.log(
  `  ratio p50 ${fixed(quantile(pureMs, 0.5) / quantile(echoMs, 0.5))}x, ` +
    `p99 ${fixed(quantile(pureMs, 0.99) / quantile(echoMs, 0.99))}x ` +
    "(calculate_memory_split live_checks=false / echo)",
);
console.log(
  `  ratio p50 ${fixed(quantile(pureMs, 0.5) / quantile(echoSizedMs, 0.5))}x, ` +
    `p99 ${fixed(quantile(pureMs, 0.99) / quantile(echoSizedMs, 0.99))}x ` +
    `(calculate_memory_split live_checks=false / echo moving the same ${replyBytes} B)`,
);
