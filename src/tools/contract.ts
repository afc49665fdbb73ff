import type { z } from "zod";
import type { Config } from "../infra/config.js";
import type { Logger } from "../infra/logger.js";
import type { Finding } from "../report/report.js";

/**
 * What a tool may do to the systems it touches. Annotations are derived from this, so a tool
 * declares it once: inspectors are read-only; experiments that write only to temporary tables
 * or a scratch key namespace are "scratch-writes" (not read-only, never destructive).
 */
export type ToolIntent = "read-only" | "scratch-writes";

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

export interface ToolContext {
  /** Aborted on cancel or when the tool's time budget runs out. */
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  log: Logger;
  config: Config;
}

/** What a tool's run returns; the registry adds tool, status and duration. */
export interface ToolOutcome<D> {
  target: string;
  summary: string;
  findings: Finding[];
  metrics: Record<string, number>;
  details: D;
}

export interface ToolDefinition<
  I extends z.ZodObject = z.ZodObject,
  D extends z.ZodType = z.ZodType,
> {
  name: string;
  title: string;
  /** Written for an agent: what it answers, what it needs, what it costs. */
  description: string;
  intent: ToolIntent;
  /** True when the tool reaches systems outside this process (databases, the JVM, HTTP). */
  openWorld: boolean;
  inputSchema: I;
  detailsSchema: D;
  defaultTimeoutMs: number;
  run(input: z.output<I>, context: ToolContext): Promise<ToolOutcome<z.output<D>>>;
}

/** Keeps the input and details types of a definition tied together at the call site. */
export function defineTool<I extends z.ZodObject, D extends z.ZodType>(
  definition: ToolDefinition<I, D>,
): ToolDefinition<I, D> {
  return definition;
}
