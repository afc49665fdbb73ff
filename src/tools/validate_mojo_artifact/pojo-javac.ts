import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { methodCodeSizes, type MethodCodeSize } from "./class-file.js";

export type JavacOutcome =
  | { kind: "compiled"; methods: MethodCodeSize[] }
  | { kind: "code-too-large"; methods: { method: string; line: number }[] }
  | { kind: "not-standalone"; reason: string }
  | { kind: "no-javac"; reason: string };

/** javac from JAVA_HOME when set, else the one on PATH. */
export function javacCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, "bin", "javac") : "javac";
}

/**
 * Compiles a Java file on its own in a scratch folder and reads each method's bytecode size
 * from the class files. A real H2O POJO imports h2o-genmodel and will not compile alone; that
 * comes back as "not-standalone" so the caller can fall back to an estimate.
 */
export async function compileAndMeasure(
  javaSource: string,
  fileName: string,
  signal: AbortSignal,
): Promise<JavacOutcome> {
  const workDir = await mkdtemp(join(tmpdir(), "ml-optimizer-pojo-"));
  try {
    const sourcePath = join(workDir, basename(fileName));
    await writeFile(sourcePath, javaSource);
    const outDir = join(workDir, "classes");
    const result = await run(
      javacCommand(),
      ["-proc:none", "-nowarn", "-d", outDir, sourcePath],
      signal,
    );
    if (result.spawnError) return { kind: "no-javac", reason: result.spawnError };
    if (result.exitCode !== 0) {
      const tooLarge = codeTooLarge(result.stderr, javaSource);
      if (tooLarge.length > 0) return { kind: "code-too-large", methods: tooLarge };
      const firstError = result.stderr.split("\n").find((line) => line.includes("error:"));
      return { kind: "not-standalone", reason: (firstError ?? result.stderr).trim().slice(0, 300) };
    }
    const methods: MethodCodeSize[] = [];
    for (const entry of await readdir(outDir, { recursive: true })) {
      if (!entry.endsWith(".class")) continue;
      const bytes = await readFile(join(outDir, entry));
      methods.push(...methodCodeSizes(bytes, entry.replace(/\.class$/, "").replaceAll("/", ".")));
    }
    return { kind: "compiled", methods };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function codeTooLarge(stderr: string, javaSource: string): { method: string; line: number }[] {
  const lines = javaSource.split("\n");
  const found: { method: string; line: number }[] = [];
  for (const match of stderr.matchAll(/:(\d+): error: code too large/g)) {
    const line = Number(match[1]);
    const text = lines[line - 1] ?? "";
    const name = /(\w+)\s*\([^)]*\)\s*(?:throws[^{]*)?\{?\s*$/.exec(text)?.[1];
    found.push({ method: name ?? (text.includes("static {") ? "<clinit>" : "?"), line });
  }
  return found;
}

interface RunResult {
  exitCode: number;
  stderr: string;
  spawnError?: string;
}

function run(command: string, args: string[], signal: AbortSignal): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(
      command,
      args,
      { signal, timeout: 120_000, maxBuffer: 4 << 20 },
      (error, _, stderr) => {
        if (error && "code" in error && error.code === "ENOENT") {
          resolvePromise({ exitCode: -1, stderr, spawnError: `${command} not found` });
          return;
        }
        if (error?.name === "AbortError") {
          resolvePromise({ exitCode: -1, stderr, spawnError: "javac was cancelled" });
          return;
        }
        const exitCode = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolvePromise({ exitCode, stderr: String(stderr) });
      },
    );
  });
}
