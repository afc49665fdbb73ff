import type { ToolErrorKind } from "../infra/errors.js";
import { severityRank, type Severity } from "../report/report.js";
import type { RunResult } from "../report/render.js";

/** What the process exit status means; README lists the same table. */
export const exitCodes = {
  pass: 0,
  findings: 1,
  usage: 2,
  unreachable: 3,
  timeout: 4,
  internal: 5,
  interrupted: 130,
} as const;

export function exitCodeForError(kind: ToolErrorKind | string, interrupted = false): number {
  switch (kind) {
    case "input":
      return exitCodes.usage;
    case "unreachable":
      return exitCodes.unreachable;
    case "timeout":
      return exitCodes.timeout;
    case "cancelled":
      return interrupted ? exitCodes.interrupted : exitCodes.timeout;
    default:
      return exitCodes.internal;
  }
}

/**
 * One status for a set of results: the first error decides (a broken check must not pass
 * unnoticed), else 1 when any finding reaches `failOn`, else 0.
 */
export function exitCodeForResults(
  results: readonly RunResult[],
  failOn: Severity,
  interrupted = false,
): number {
  const failed = results.find((result) => result.error);
  if (failed?.error) return exitCodeForError(failed.error.kind, interrupted);
  const threshold = severityRank(failOn);
  const blocking = results.some((result) =>
    result.report?.findings.some((finding) => severityRank(finding.severity) >= threshold),
  );
  return blocking ? exitCodes.findings : exitCodes.pass;
}
