import { z } from "zod";
import type { Config } from "../infra/config.js";
import { scrubSecrets, secretsOf } from "../infra/config.js";
import { ToolError, errorMessage, type ToolErrorKind } from "../infra/errors.js";
import type { Logger } from "../infra/logger.js";
import { reportSchema, statusOf, type Report } from "../report/report.js";
import type { ProgressUpdate, ToolDefinition } from "../tools/contract.js";

export const timeoutField = z
  .number()
  .int()
  .positive()
  .max(3_600_000)
  .optional()
  .describe("Time budget in milliseconds; the tool stops and cleans up when it runs out");

// Built once per tool: zod compiles a schema on first parse, which costs more than most calls.
const inputSchemas = new WeakMap<ToolDefinition, ReturnType<typeof extendInput>>();
const outputSchemas = new WeakMap<ToolDefinition, ReturnType<typeof reportSchema>>();

function extendInput(tool: ToolDefinition) {
  return tool.inputSchema.extend({ timeout_ms: timeoutField });
}

/** The input schema callers see: the tool's own fields plus the shared time budget. */
export function publicInputSchema(tool: ToolDefinition) {
  let schema = inputSchemas.get(tool);
  if (!schema) inputSchemas.set(tool, (schema = extendInput(tool)));
  return schema;
}

export function publicOutputSchema(tool: ToolDefinition) {
  let schema = outputSchemas.get(tool);
  if (!schema) outputSchemas.set(tool, (schema = reportSchema(tool.detailsSchema)));
  return schema;
}

export type Invocation =
  { ok: true; report: Report } | { ok: false; kind: ToolErrorKind; message: string };

export interface InvokeOptions {
  config: Config;
  log: Logger;
  signal?: AbortSignal;
  onProgress?: (update: ProgressUpdate) => void;
}

/** Names every bad field with what was wrong, so a caller can fix them all in one go. */
export function describeInputIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(input)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Validates input, runs the tool inside its time budget and turns every failure into a value:
 * nothing is thrown past this function, and no secret from the config leaves it.
 */
export async function invokeTool(
  tool: ToolDefinition,
  rawInput: unknown,
  options: InvokeOptions,
): Promise<Invocation> {
  const secrets = secretsOf(options.config);
  const failure = (kind: ToolErrorKind, message: string): Invocation => ({
    ok: false,
    kind,
    message: scrubSecrets(message, secrets),
  });

  if (options.config.read_only && tool.intent !== "read-only") {
    return failure("input", `${tool.name} writes to scratch space and the server is read-only`);
  }

  const parsed = publicInputSchema(tool).safeParse(rawInput ?? {});
  if (!parsed.success) {
    return failure("input", `invalid input for ${tool.name}: ${describeInputIssues(parsed.error)}`);
  }
  const { timeout_ms: timeoutMs, ...input } = parsed.data as Record<string, unknown> & {
    timeout_ms?: number;
  };
  const budgetMs = timeoutMs ?? options.config.defaults.timeout_ms ?? tool.defaultTimeoutMs;

  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new ToolError(
          "timeout",
          `${tool.name} ran out of its ${budgetMs} ms budget; raise timeout_ms`,
        ),
      ),
    budgetMs,
  );
  const onCallerAbort = () =>
    controller.abort(new ToolError("cancelled", `${tool.name} was cancelled`));
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });

  const log = options.log.child(tool.name);
  const started = performance.now();
  try {
    const outcome = await raceAbort(
      tool.run(input, {
        signal: controller.signal,
        progress: (update) => options.onProgress?.(update),
        log,
        config: options.config,
      }),
      controller.signal,
    );
    const report: Report = {
      tool: tool.name,
      target: scrubSecrets(outcome.target, secrets),
      status: statusOf(outcome.findings),
      summary: outcome.summary,
      findings: outcome.findings,
      metrics: outcome.metrics,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      details: outcome.details,
    };
    // With no secret configured there is nothing to scrub, and the round trip costs per call.
    const scrubbed =
      secrets.length === 0
        ? report
        : (JSON.parse(scrubSecrets(JSON.stringify(report), secrets)) as Report);
    log.info(
      `${scrubbed.status} in ${scrubbed.duration_ms} ms, ${scrubbed.findings.length} findings`,
    );
    return { ok: true, report: scrubbed };
  } catch (error) {
    if (error instanceof ToolError) return failure(error.kind, error.message);
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof ToolError) {
      return failure(reason.kind, reason.message);
    }
    log.warn(`unexpected failure: ${scrubSecrets(errorMessage(error), secrets)}`);
    return failure("failed", `${tool.name} failed: ${errorMessage(error)}`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/**
 * Resolves with the tool's result, or rejects as soon as the signal aborts. Tools still get the
 * signal and must clean up themselves; this only keeps the caller from waiting on a slow one.
 */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
