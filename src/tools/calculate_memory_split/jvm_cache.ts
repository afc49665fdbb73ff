import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { printFlagsFinal, type JvmRun } from "./jvm.js";

/** A JVM's answer, and whether an earlier run of the same binary with the same flags gave it. */
export interface JvmAnswer {
  run: JvmRun;
  fromCache: boolean;
}

/** Where a `java` command leads: the file that would run, or why nothing would. */
export type JavaBinary =
  | { java: string; found: true; identity: string }
  | { java: string; found: false; code: "ENOENT" | "EACCES" };

// The launcher reads these before any flag, so they change what PrintFlagsFinal prints.
const launcherVariables = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"] as const;

const maxEntries = 64;
/**
 * Bounds how long an answer is trusted: PrintFlagsFinal is deterministic for one binary and one
 * set of flags, but the ergonomics behind the flags it was not given (GC, compressed oops) follow
 * the CPUs and memory the container has, which can be resized while this server runs.
 */
export const jvmAnswerTtlMs = 10 * 60_000;

const answers = new Map<string, { run: JvmRun; storedAtMs: number }>();

/**
 * `java <options> -XX:+PrintFlagsFinal -version`, answered from this process's cache when the
 * same binary (same real path, size, inode and modification time) already ran with the same
 * options and launcher variables. Only definite answers are kept: a JVM that printed its flags
 * or refused the options. A binary that cannot be found is reported without starting anything.
 */
export async function askJvm(
  binary: JavaBinary,
  options: readonly string[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<JvmAnswer> {
  signal.throwIfAborted();
  const { java } = binary;
  if (!binary.found) {
    const message = `could not start ${java} (${binary.code})`;
    return { run: { ok: false, reason: "missing", message }, fromCache: false };
  }

  const key = [
    java,
    binary.identity,
    ...launcherVariables.map((name) => process.env[name] ?? ""),
    ...options,
  ].join("\0");
  const cached = answers.get(key);
  if (cached && performance.now() - cached.storedAtMs < jvmAnswerTtlMs) {
    // Re-inserting keeps the map in least-recently-used order.
    answers.delete(key);
    answers.set(key, cached);
    return { run: cached.run, fromCache: true };
  }

  const run = await printFlagsFinal(java, options, signal, timeoutMs);
  if (run.ok || run.reason === "rejected") {
    answers.delete(key);
    answers.set(key, { run, storedAtMs: performance.now() });
    if (answers.size > maxEntries) answers.delete(answers.keys().next().value!);
  }
  return { run, fromCache: false };
}

/** Forgets every cached answer, so the next check starts the JVM again. */
export function clearJvmAnswers(): void {
  answers.clear();
}

/**
 * Finds the file the way the spawn would: a name with a slash is a path, a bare name is looked
 * up on PATH. The identity ties a cached answer to that exact file, so an upgraded JDK (new
 * mtime or inode) or a switched alternatives link (new real path) is asked again. The lookups
 * are a few stat calls on local files, made synchronously: a thread-pool round trip for each
 * would cost more than the calculation they guard.
 */
export function locateJava(java: string): JavaBinary {
  const candidates = java.includes("/")
    ? [java]
    : (process.env.PATH ?? "").split(delimiter).map((folder) => join(folder || ".", java));
  let code: "ENOENT" | "EACCES" = "ENOENT";
  for (const candidate of candidates) {
    const info = statSync(candidate, { throwIfNoEntry: false });
    if (!info?.isFile()) continue;
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      code = "EACCES";
      continue;
    }
    const realPath = realpathSync.native(candidate);
    return { java, found: true, identity: `${realPath}:${info.size}:${info.ino}:${info.mtimeMs}` };
  }
  return { java, found: false, code };
}
