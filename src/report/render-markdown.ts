import { severityRank, type Finding, type Severity } from "./report.js";
import { formatEvidence, formatValue, type RunResult } from "./render-text.js";

const statusBadge: Record<string, string> = { pass: "PASS", warn: "WARN", fail: "FAIL" };

/** Pipes and newlines would break a table row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marker = "`".repeat(longest + 1);
  return `${marker}\n${text}\n${marker}`;
}

function renderFindings(findings: readonly Finding[]): string {
  const rows = findings.map(
    (finding) =>
      `| ${finding.severity} | \`${finding.code}\` | ${cell(finding.title)} | ` +
      `${cell(formatEvidence(finding.evidence))} |`,
  );
  const table = ["| severity | code | finding | evidence |", "|---|---|---|---|", ...rows];
  const fixes = findings
    .filter((finding) => finding.fix)
    .map((finding) => `**${finding.code}** ${finding.detail}\n\n${fence(finding.fix)}`);
  return [table.join("\n"), ...fixes].join("\n\n");
}

export function renderResultMarkdown(result: RunResult): string {
  if (!result.report) {
    return `## ${result.name}: ERROR\n\n${result.error.kind}: ${result.error.message}\n`;
  }
  const report = result.report;
  const parts = [
    `## ${result.name}: ${statusBadge[report.status]}`,
    `Tool \`${report.tool}\` on \`${report.target}\`, ${formatValue(report.duration_ms)} ms.`,
    report.summary,
  ];
  if (report.findings.length) parts.push(renderFindings(report.findings));
  const metrics = Object.entries(report.metrics);
  if (metrics.length) {
    const rows = metrics.map(([key, value]) => `| ${key} | ${formatValue(value)} |`);
    parts.push(["| metric | value |", "|---|---|", ...rows].join("\n"));
  }
  return parts.join("\n\n") + "\n";
}

export function renderResultsMarkdown(results: readonly RunResult[], failOn: Severity): string {
  const passed = results.filter(
    (result) =>
      result.report?.findings.every(
        (finding) => severityRank(finding.severity) < severityRank(failOn),
      ) ?? false,
  ).length;
  const header =
    `# ml-optimizer check\n\n${passed} of ${results.length} checks passed ` +
    `(failing at ${failOn} and above).\n`;
  return [header, ...results.map(renderResultMarkdown)].join("\n");
}
