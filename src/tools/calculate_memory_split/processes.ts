import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { InputError } from "../../infra/errors.js";

export type ProcessRole = "jvm" | "python" | "other";

export interface MeasuredProcess {
  pid: number;
  command: string;
  role: ProcessRole;
  arguments: string[];
  rss_bytes: number;
  /** Peak resident size (VmHWM); null when the kernel does not report it. */
  hwm_bytes: number | null;
}

/** Resident and peak memory of a live process, from /proc/<pid>/status and cmdline. */
export async function measureProcess(procRoot: string, pid: number): Promise<MeasuredProcess> {
  let status: string;
  try {
    status = await readFile(join(procRoot, String(pid), "status"), "utf8");
  } catch {
    throw new InputError(
      "pids",
      `no process ${pid} in ${procRoot} (it exited, or lives in another PID namespace); ` +
        "pass the pids of running processes in this container",
    );
  }
  const commandLine = await readFile(join(procRoot, String(pid), "cmdline"), "utf8").catch(
    () => "",
  );
  const argumentList = commandLine.split("\0").filter((part) => part.length > 0);
  const name = /^Name:\s*(.+)$/m.exec(status)?.[1]?.trim() ?? "?";
  const rssKiB = statusKiB(status, "VmRSS");
  const hwmKiB = statusKiB(status, "VmHWM");

  return {
    pid,
    command: argumentList.length ? argumentList.join(" ").slice(0, 300) : name,
    role: roleOf(argumentList[0] ?? name, argumentList),
    arguments: argumentList,
    rss_bytes: (rssKiB ?? 0) * 1024,
    hwm_bytes: hwmKiB === undefined ? null : hwmKiB * 1024,
  };
}

function statusKiB(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, "m").exec(status);
  return match ? Number(match[1]) : undefined;
}

function roleOf(executable: string, argumentList: string[]): ProcessRole {
  const program = basename(executable);
  if (/^java\b/.test(program)) return "jvm";
  if (/^(python[\d.]*|uvicorn|gunicorn|hypercorn)$/.test(program)) return "python";
  if (argumentList.some((argument) => /(^|\/)(uvicorn|gunicorn)$/.test(argument))) {
    return "python";
  }
  return "other";
}
