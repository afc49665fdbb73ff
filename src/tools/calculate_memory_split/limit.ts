import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../infra/errors.js";

export type LimitSource = "input" | "cgroup-v2" | "cgroup-v1" | "meminfo";

export interface DetectedLimit {
  bytes: number;
  source: LimitSource;
  /** The file the number came from. */
  path: string | null;
  /** Why the cgroup gave no limit, when it did not. */
  unlimitedReason: string | null;
}

/**
 * cgroup v1 reports "no limit" as a page-aligned value near 2^63; anything at or above 2^60
 * (an exbibyte) cannot be a real container limit.
 */
const unlimitedThresholdBytes = 2 ** 60;

export interface LimitPaths {
  cgroupRoot: string;
  procRoot: string;
}

/**
 * The container's memory limit as the JVM and the Paketo calculator find it: cgroup v2
 * memory.max, then cgroup v1 memory.limit_in_bytes, then the machine's MemTotal. Inside a
 * container the files sit at the cgroup root; on a host without a cgroup namespace they sit in
 * the process's own cgroup (from /proc/self/cgroup), which is tried first.
 */
export async function detectMemoryLimit(paths: LimitPaths): Promise<DetectedLimit> {
  const own = await ownCgroupPaths(paths.procRoot);
  const v2Folders = [...new Set([own.v2, "/"].filter((path) => path !== undefined))];
  const v1Folders = [...new Set([own.v1, "/"].filter((path) => path !== undefined))];
  const candidates = [
    ...v2Folders.map((folder) => ({
      source: "cgroup-v2" as const,
      path: join(paths.cgroupRoot, folder, "memory.max"),
    })),
    ...v1Folders.map((folder) => ({
      source: "cgroup-v1" as const,
      path: join(paths.cgroupRoot, "memory", folder, "memory.limit_in_bytes"),
    })),
  ];
  let unlimitedReason: string | null = null;
  for (const candidate of candidates) {
    const text = await readOptional(candidate.path);
    if (text === undefined) continue;
    const value = text.trim();
    if (value === "max") {
      unlimitedReason ??= `${candidate.path} is "max"`;
      continue;
    }
    const bytes = Number(value);
    if (!Number.isFinite(bytes) || !/^\d+$/.test(value)) continue;
    if (bytes >= unlimitedThresholdBytes) {
      // A cgroup without a limit can still sit under a parent that has one.
      unlimitedReason ??= `${candidate.path} is ${value} (no limit)`;
      continue;
    }
    return { bytes, source: candidate.source, path: candidate.path, unlimitedReason: null };
  }

  const meminfoPath = join(paths.procRoot, "meminfo");
  const total = await readMemTotalBytes(meminfoPath);
  return {
    bytes: total,
    source: "meminfo",
    path: meminfoPath,
    unlimitedReason: unlimitedReason ?? "no cgroup memory file was found",
  };
}

export async function readMemTotalBytes(meminfoPath: string): Promise<number> {
  const text = await readOptional(meminfoPath);
  const match = text === undefined ? null : /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  if (!match) {
    throw new InputError(
      "memory_limit",
      `no container limit was found and ${meminfoPath} has no MemTotal; pass memory_limit`,
    );
  }
  return Number(match[1]) * 1024;
}

/** The cgroup paths of the process running this tool, for v2 (`0::`) and v1 (`memory`). */
async function ownCgroupPaths(procRoot: string): Promise<{ v2?: string; v1?: string }> {
  const text = (await readOptional(join(procRoot, "self", "cgroup"))) ?? "";
  return {
    v2: /^0::(\/.*)$/m.exec(text)?.[1],
    v1: /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(text)?.[1],
  };
}

/**
 * cgroupfs and procfs files are made by the kernel on read and never wait on a disk, so they are
 * read synchronously: a thread-pool round trip would take longer than the read itself.
 */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
