import { renderResultsJunit } from "./render-junit.js";
import { renderResultsMarkdown } from "./render-markdown.js";
import { renderResultsText, type RunResult } from "./render-text.js";
import type { Severity } from "./report.js";

export type { RunResult } from "./render-text.js";

export const reportFormats = ["text", "markdown", "json", "junit"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** JSON carries the reports as tools returned them; errors keep their kind for scripts. */
export function renderResultsJson(results: readonly RunResult[]): string {
  const checks = results.map((result) =>
    result.report
      ? { name: result.name, tool: result.tool, report: result.report }
      : { name: result.name, tool: result.tool, error: result.error },
  );
  return JSON.stringify({ checks }, null, 2) + "\n";
}

export function renderResults(
  results: readonly RunResult[],
  format: ReportFormat,
  failOn: Severity,
): string {
  switch (format) {
    case "text":
      return renderResultsText(results);
    case "markdown":
      return renderResultsMarkdown(results, failOn);
    case "json":
      return renderResultsJson(results);
    case "junit":
      return renderResultsJunit(results, failOn);
  }
}
