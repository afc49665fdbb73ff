import type { Finding } from "../../report/report.js";
import type { Inspection } from "./inspect.js";
import type { ValidateMojoDetails } from "./schema.js";

export function metricsOf(details: ValidateMojoDetails): Record<string, number> {
  const metrics: Record<string, number> = { file_bytes: details.file_bytes };
  const failed = details.checks.filter((check) => !check.passed).length;
  metrics["checks_failed"] = failed;
  if (details.metadata) {
    metrics["features"] = details.metadata.features.length;
    metrics["trees"] = details.metadata.trees;
    if (details.metadata.max_tree_depth !== null) {
      metrics["max_tree_depth"] = details.metadata.max_tree_depth;
    }
  }
  if (details.parity) {
    metrics["parity_rows"] = details.parity.rows_compared;
    metrics["max_abs_diff"] = details.parity.max_abs_diff;
    metrics["mismatched_values"] = details.parity.mismatched_values;
    metrics["mismatched_labels"] = details.parity.mismatched_labels;
  }
  if (details.latency) {
    metrics["p50_us"] = details.latency.p50_us;
    metrics["p99_us"] = details.latency.p99_us;
    metrics["rows_per_second"] = details.latency.rows_per_second;
  }
  if (details.memory) {
    metrics["retained_bytes"] = details.memory.retained_bytes;
    if (details.memory.heap_delta_bytes !== null) {
      metrics["heap_delta_bytes"] = details.memory.heap_delta_bytes;
    }
  }
  if (details.pojo.largest_method_bytes !== null) {
    metrics["pojo_largest_method_bytes"] = details.pojo.largest_method_bytes;
  }
  if (details.feature_store) {
    metrics["store_rows_sampled"] = details.feature_store.rows_sampled;
    metrics["store_features_missing"] = details.feature_store.columns.filter(
      (column) => column.status === "missing",
    ).length;
  }
  return metrics;
}

export function summarize(
  inspection: Inspection,
  details: ValidateMojoDetails,
  findings: Finding[],
): string {
  const meta = details.metadata;
  if (meta === null) {
    const critical = findings.find((finding) => finding.severity === "critical");
    return (
      `The runtime cannot trust ${details.path}: ${critical?.title ?? "it did not load"}. ` +
      "Nothing it would predict was checked."
    );
  }
  const parts = [
    `${meta.algorithm} ${meta.category} MOJO (format ${meta.mojo_version}, H2O ` +
      `${meta.h2o_version}), ${meta.features.length} features` +
      (meta.trees > 0 ? `, ${meta.trees} trees.` : "."),
  ];
  if (details.parity) {
    const p = details.parity;
    parts.push(
      p.mismatched_values + p.mismatched_labels === 0
        ? `Matches the expected predictions on ${p.rows_compared} rows ` +
            `(max diff ${p.max_abs_diff.toPrecision(2)}).`
        : `Differs from the expected predictions: ${p.mismatched_values} values, ` +
            `${p.mismatched_labels} labels over ${p.rows_compared} rows.`,
    );
  }
  if (details.latency) {
    parts.push(
      `Scores a row in ${details.latency.p50_us} µs p50 / ${details.latency.p99_us} µs p99 ` +
        `(${details.latency.rows_per_second} rows/s single-threaded).`,
    );
  }
  const serious = findings.filter((finding) => ["high", "critical"].includes(finding.severity));
  if (serious.length > 0) parts.push(`${serious.length} serious finding(s): ${serious[0]!.title}.`);
  else if (inspection.model === null) parts.push("The runtime could not score it.");
  return parts.join(" ");
}
