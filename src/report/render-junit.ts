import { formatEvidence, type RunResult } from "./render-text.js";
import { severityRank, type Severity } from "./report.js";

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
      // Control characters are not allowed in XML 1.0 at all, even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
  );
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function renderTestcase(result: RunResult, failOn: Severity): { xml: string; failed: boolean } {
  const open = `    <testcase classname="ml-optimizer.${escapeXml(result.tool)}" name="${escapeXml(
    result.name,
  )}" time="${seconds(result.report?.duration_ms ?? 0)}"`;

  if (!result.report) {
    const { kind, message } = result.error;
    const error = `      <error type="${escapeXml(kind)}" message="${escapeXml(message)}"/>`;
    return { xml: `${open}>\n${error}\n    </testcase>`, failed: true };
  }

  const failing = result.report.findings.filter(
    (finding) => severityRank(finding.severity) >= severityRank(failOn),
  );
  const failures = failing.map((finding) => {
    const body = [
      finding.detail,
      `evidence: ${formatEvidence(finding.evidence)}`,
      `fix: ${finding.fix}`,
    ].join("\n");
    return `      <failure type="${finding.severity}" message="${escapeXml(
      `${finding.code} ${finding.title}`,
    )}">${escapeXml(body)}</failure>`;
  });
  const systemOut = `      <system-out>${escapeXml(result.report.summary)}</system-out>`;
  return {
    xml: `${open}>\n${[...failures, systemOut].join("\n")}\n    </testcase>`,
    failed: failing.length > 0,
  };
}

/**
 * JUnit XML as CI servers read it: one testcase per check, one failure per finding at or above
 * `failOn`, and an error where the tool could not run at all.
 */
export function renderResultsJunit(results: readonly RunResult[], failOn: Severity): string {
  const cases = results.map((result) => renderTestcase(result, failOn));
  const failures = cases.filter((testcase, index) => testcase.failed && results[index]!.report);
  const errors = results.filter((result) => !result.report).length;
  const totalMs = results.reduce((sum, result) => sum + (result.report?.duration_ms ?? 0), 0);
  const attributes =
    `name="ml-optimizer check" tests="${results.length}" failures="${failures.length}" ` +
    `errors="${errors}" time="${seconds(totalMs)}"`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites ${attributes}>`,
    `  <testsuite ${attributes}>`,
    ...cases.map((testcase) => testcase.xml),
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
