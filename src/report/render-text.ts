import type { Finding, Report } from "./report.js";

/** A tool run as the front ends see it: a report, or the reason there is none. */
export type RunResult =
  | { name: string; tool: string; report: Report; error?: undefined }
  | { name: string; tool: string; report?: undefined; error: { kind: string; message: string } };

const indent = (text: string, spaces: number) =>
  text
    .split("\n")
    .map((line) => (line.length ? " ".repeat(spaces) + line : line))
    .join("\n");

export function formatValue(value: number | string | boolean | null): string {
  if (typeof value === "number" && !Number.isInteger(value)) {
    return String(Math.round(value * 1000) / 1000);
  }
  return String(value);
}

export function formatEvidence(evidence: Finding["evidence"]): string {
  return Object.entries(evidence)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(", ");
}

function renderFinding(finding: Finding): string {
  const lines = [`[${finding.severity.toUpperCase()}] ${finding.code} ${finding.title}`];
  if (finding.detail) lines.push(indent(finding.detail, 4));
  const evidence = formatEvidence(finding.evidence);
  if (evidence) lines.push(`    evidence: ${evidence}`);
  if (finding.fix.includes("\n")) lines.push(`    fix:\n${indent(finding.fix, 6)}`);
  else if (finding.fix) lines.push(`    fix: ${finding.fix}`);
  return lines.join("\n");
}

/** A report for a person at a terminal: status first, then what to fix, then the numbers. */
export function renderReportText(report: Report): string {
  const sections = [
    `${report.tool}: ${report.status.toUpperCase()} (${report.target})`,
    report.summary,
  ];

  if (report.findings.length) {
    const findings = report.findings.map((finding) => indent(renderFinding(finding), 2));
    sections.push(`Findings (${report.findings.length}):\n${findings.join("\n\n")}`);
  } else {
    sections.push("Findings: none");
  }

  const metrics = Object.entries(report.metrics);
  if (metrics.length) {
    const width = Math.max(...metrics.map(([key]) => key.length));
    const rows = metrics.map(([key, value]) => `  ${key.padEnd(width)}  ${formatValue(value)}`);
    sections.push(`Metrics:\n${rows.join("\n")}`);
  }

  sections.push(`Took ${formatValue(report.duration_ms)} ms`);
  return sections.join("\n\n") + "\n";
}

export function renderResultText(result: RunResult): string {
  if (result.report) return renderReportText(result.report);
  return `${result.name}: ERROR (${result.error.kind})\n\n${result.error.message}\n`;
}

export function renderResultsText(results: readonly RunResult[]): string {
  return results.map(renderResultText).join("\n" + "-".repeat(72) + "\n\n");
}
