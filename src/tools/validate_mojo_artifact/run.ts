import { existsSync } from "node:fs";
import { resolveTarget } from "../../infra/config.js";
import { InputError } from "../../infra/errors.js";
import type { Finding } from "../../report/report.js";
import type { ToolContext, ToolOutcome } from "../contract.js";
import { codes } from "./codes.js";
import { compareWithStore, snapshotStore } from "./feature-store.js";
import { inspectMojo, type Inspection } from "./inspect.js";
import { latencyFindings, measureHeapDelta, measureLatency, syntheticRows } from "./latency.js";
import { compareWithExpected, defaultTolerance, parityFindings, readInputRows } from "./parity.js";
import { analysePojo, pojoRiskFromShape } from "./pojo.js";
import type { ValidateMojoDetails, ValidateMojoInput } from "./schema.js";
import { metricsOf, summarize } from "./summary.js";

const totalSteps = 6;
/** Aux files are worth a finding once they outweigh the trees and pass a megabyte. */
const AUX_FINDING_BYTES = 1 << 20;

/** The whole check, loaded on the first call: listing the tools needs only the schemas. */
export async function runValidateMojo(
  input: ValidateMojoInput,
  context: ToolContext,
): Promise<ToolOutcome<ValidateMojoDetails>> {
  checkInputs(input);
  const step = (progress: number, message: string) => {
    context.signal.throwIfAborted();
    context.progress({ progress, total: totalSteps, message });
    context.log.info(message);
  };

  step(0, `opening ${input.path}`);
  const inspection = inspectMojo(input.path);
  const details = baseDetails(input.path, inspection);
  const findings = [...inspection.findings];
  context.log.info(
    `${inspection.checks.filter((check) => check.passed).length}/${inspection.checks.length} ` +
      "integrity checks passed",
  );
  const model = inspection.model;
  const meta = inspection.meta;

  if (model !== null) {
    step(1, "comparing predictions");
    const rowsInput = input.rows ? readInputRows(model, input.rows) : null;
    if (rowsInput && input.expected) {
      const tolerance = input.tolerance ?? defaultTolerance(model.meta.algo);
      details.parity = compareWithExpected(model, rowsInput, input.expected, tolerance);
      findings.push(...parityFindings(details.parity, input.expected, model.meta.algo));
      context.log.info(
        `parity: ${details.parity.rows_compared} rows, max diff ${details.parity.max_abs_diff}`,
      );
    }

    step(2, "timing row-at-a-time scoring");
    const sample = rowsInput
      ? { rows: rowsInput.rows, kind: "rows" as const }
      : { rows: syntheticRows(model, 1000), kind: "synthetic" as const };
    details.latency = await measureLatency(model, sample, {
      timedRows: input.latency_rows,
      warmupRows: input.warmup_rows,
      budgetMs: input.latency_budget_ms,
      signal: context.signal,
    });
    findings.push(...latencyFindings(details.latency, model.meta.algo));
    context.log.info(
      `latency p50 ${details.latency.p50_us} µs, p99 ${details.latency.p99_us} µs, ` +
        `${details.latency.rows_per_second} rows/s`,
    );

    step(3, "measuring memory");
    details.memory = {
      retained_bytes: model.retainedBytes,
      heap_delta_bytes: inspection.source ? measureHeapDelta(inspection.source) : null,
    };
  }

  step(4, "checking the POJO");
  if (input.pojo) {
    const pojo = await analysePojo(input.pojo, context.signal);
    details.pojo = pojo.details;
    findings.push(...pojo.findings);
  } else if (meta !== null) {
    const risk = pojoRiskFromShape(meta, inspection.shape);
    details.pojo = risk.details;
    findings.push(...risk.findings);
  }
  findings.push(...auxFindings(inspection));

  if (input.postgres_url && input.table && meta !== null) {
    step(5, `sampling feature store table ${input.table}`);
    const target = resolveTarget(context.config, "postgres", input.postgres_url, "postgres_url");
    const request = {
      url: target.url,
      targetName: target.name,
      table: input.table,
      jsonbColumn: input.jsonb_column ?? null,
      sampleRows: input.sample_rows,
      statementTimeoutMs: 10_000,
      signal: context.signal,
    };
    const snapshot = await snapshotStore(meta, request);
    const store = compareWithStore(meta, snapshot, request);
    details.feature_store = store.details;
    findings.push(...store.findings);
    context.log.info(
      `feature store: ${snapshot.rowsSampled} rows sampled, ${store.findings.length} findings`,
    );
  }

  context.progress({ progress: totalSteps, total: totalSteps, message: "done" });
  return {
    target: input.path,
    summary: summarize(inspection, details, findings),
    findings,
    metrics: metricsOf(details),
    details,
  };
}

function checkInputs(input: ValidateMojoInput): void {
  if (!existsSync(input.path)) {
    throw new InputError("path", `no MOJO at ${input.path}; give an H2O MOJO .zip or its folder`);
  }
  if (input.expected && !input.rows) {
    throw new InputError("rows", "`expected` needs the input rows it was computed from");
  }
  if ((input.postgres_url === undefined) !== (input.table === undefined)) {
    const missing = input.postgres_url === undefined ? "postgres_url" : "table";
    throw new InputError(missing, "the feature-store check needs both postgres_url and table");
  }
  if (input.jsonb_column && !input.table) {
    throw new InputError("table", "jsonb_column names a column of `table`; give the table too");
  }
}

function baseDetails(path: string, inspection: Inspection): ValidateMojoDetails {
  const meta = inspection.meta;
  const shape = inspection.shape;
  return {
    path,
    container: inspection.container,
    file_bytes: inspection.fileBytes,
    metadata: meta && {
      algorithm: meta.algorithm,
      algo: meta.algo,
      category: meta.category,
      mojo_version: meta.mojoVersion,
      h2o_version: meta.h2oVersion,
      features: meta.features.map((name, index) => ({
        name,
        type: meta.domains[index] ? ("categorical" as const) : ("numeric" as const),
        levels: meta.domains[index]?.length ?? 0,
      })),
      response: meta.responseColumn,
      classes: meta.classLabels,
      trees: shape?.trees ?? meta.treeCount,
      max_tree_depth: shape?.maxDepth ?? null,
      decision_nodes: shape?.decisionNodes ?? null,
    },
    checks: inspection.checks,
    version: inspection.version,
    parity: null,
    latency: null,
    memory: null,
    pojo: {
      given: false,
      measured_by: "none",
      source_bytes: null,
      largest_method: null,
      largest_method_bytes: null,
      method_limit_bytes: 65_535,
      methods_over_limit: 0,
      note: "not checked: the MOJO did not load",
    },
    feature_store: null,
  };
}

function auxFindings(inspection: Inspection): Finding[] {
  const shape = inspection.shape;
  if (!shape || shape.auxBytes < AUX_FINDING_BYTES || shape.auxBytes < shape.treeBytes) return [];
  return [
    {
      code: codes.auxFiles,
      severity: "low",
      title: `Tree statistics take ${(shape.auxBytes / 1e6).toFixed(1)} MB the scorer never reads`,
      detail:
        `trees/*_aux.bin hold per-node statistics (${shape.auxBytes} bytes against ` +
        `${shape.treeBytes} bytes of trees); scoring needs only the trees. They cost image ` +
        "size, download time and, in readers that inflate everything, memory.",
      evidence: { aux_bytes: shape.auxBytes, tree_bytes: shape.treeBytes },
      fix:
        "Ship a serving copy without them: zip -d serving.zip 'trees/*_aux.bin', then re-run " +
        "this check and PredictCsv on the copy; keep the original for tree plots and SHAP.",
    },
  ];
}
