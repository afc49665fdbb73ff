import { execFile } from "node:child_process";
import { KiB } from "./sizes.js";
import type { ReportedFlags } from "./schema.js";

export type JvmRun =
  | { ok: true; flags: Map<string, string>; version: string | null }
  | { ok: false; reason: "missing" | "rejected" | "timeout"; message: string };

/**
 * Runs `java <options> -XX:+PrintFlagsFinal -version` without a shell. It starts a JVM and
 * exits: nothing else runs, and the abort signal kills it.
 */
export function printFlagsFinal(
  java: string,
  options: readonly string[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<JvmRun> {
  const args = [...options, "-XX:+PrintFlagsFinal", "-version"];
  return new Promise((resolve, reject) => {
    execFile(
      java,
      args,
      { signal, timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (signal.aborted) return reject(signal.reason);
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT" || code === "EACCES") {
            return resolve({
              ok: false,
              reason: "missing",
              message: `could not start ${java} (${code})`,
            });
          }
          if (error.killed) {
            return resolve({
              ok: false,
              reason: "timeout",
              message: `${java} did not finish within ${timeoutMs} ms`,
            });
          }
          // HotSpot prints some refusals (a too-small stack) on stdout, others on stderr.
          const firstLines = `${stdout}\n${stderr}`
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => line.length > 0)
            .slice(0, 3)
            .join(" | ");
          return resolve({
            ok: false,
            reason: "rejected",
            message: `${java} ${options.join(" ")} failed: ${firstLines || error.message}`,
          });
        }
        resolve({ ok: true, flags: parseFlags(stdout), version: parseVersion(stderr) });
      },
    );
  });
}

/** Lines look like `   size_t MaxHeapSize   = 440401920   {product} {command line}`. */
export function parseFlags(output: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (const line of output.split("\n")) {
    const match = /^\s*\S+\s+(\w+)\s+:?=\s*(.*?)\s*\{/.exec(line);
    if (match) flags.set(match[1]!, match[2]!);
  }
  return flags;
}

function parseVersion(stderr: string): string | null {
  return /version "([^"]+)"/.exec(stderr)?.[1] ?? null;
}

export function reportedFlags(flags: Map<string, string>): ReportedFlags {
  const number = (name: string) => {
    const value = flags.get(name);
    return value === undefined || !/^\d+$/.test(value) ? null : Number(value);
  };
  const stackKiB = number("ThreadStackSize");
  const gc = ["UseG1GC", "UseSerialGC", "UseParallelGC", "UseZGC", "UseShenandoahGC"].find(
    (name) => flags.get(name) === "true",
  );
  const compressedOops = flags.get("UseCompressedOops");
  return {
    MaxHeapSize: number("MaxHeapSize"),
    MaxMetaspaceSize: number("MaxMetaspaceSize"),
    ReservedCodeCacheSize: number("ReservedCodeCacheSize"),
    ThreadStackSize: stackKiB === null ? null : stackKiB * KiB,
    MaxDirectMemorySize: number("MaxDirectMemorySize"),
    UseCompressedOops: compressedOops === undefined ? null : compressedOops === "true",
    garbage_collector: gc ? gc.replace(/^Use/, "") : null,
  };
}

export interface ExpectedFlags {
  heapBytes: number;
  metaspaceBytes: number;
  codeCacheBytes: number;
  stackBytes: number;
  directMemoryBytes: number;
}

/** One line per flag the JVM did not take as given. */
export function flagMismatches(expected: ExpectedFlags, reported: ReportedFlags): string[] {
  const pairs: [string, number, number | null][] = [
    ["MaxHeapSize", expected.heapBytes, reported.MaxHeapSize],
    ["MaxMetaspaceSize", expected.metaspaceBytes, reported.MaxMetaspaceSize],
    ["ReservedCodeCacheSize", expected.codeCacheBytes, reported.ReservedCodeCacheSize],
    ["ThreadStackSize", expected.stackBytes, reported.ThreadStackSize],
    ["MaxDirectMemorySize", expected.directMemoryBytes, reported.MaxDirectMemorySize],
  ];
  return pairs
    .filter(([, want, got]) => got !== want)
    .map(([name, want, got]) => `${name}: flag asks ${want} B, the JVM reports ${got ?? "none"}`);
}
