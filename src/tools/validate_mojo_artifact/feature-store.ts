import { InputError } from "../../infra/errors.js";
import type { MojoMetadata } from "../../mojo/types.js";
import type { Finding } from "../../report/report.js";
import { codes } from "./codes.js";
import {
  quoteTableName,
  readJsonbKeys,
  readStoreColumns,
  sampleColumnLevels,
  sampleJsonbLevels,
  type StoreColumn,
  type StoreSnapshot,
} from "./feature-store-read.js";
import { quoteIdent, quoteLiteral, withReadOnlySession } from "../../infra/postgres.js";
import type { ValidateMojoDetails } from "./schema.js";

export type FeatureStoreDetails = NonNullable<ValidateMojoDetails["feature_store"]>;

export interface StoreRequest {
  url: string;
  targetName: string;
  table: string;
  jsonbColumn: string | null;
  sampleRows: number;
  statementTimeoutMs: number;
  signal: AbortSignal;
}

const MISSING_TOKENS = new Set(["", "NA", "N/A", "-"]);

/** Reads the store's schema and a bounded sample in one read-only transaction. */
export async function snapshotStore(
  meta: MojoMetadata,
  request: StoreRequest,
): Promise<StoreSnapshot> {
  const session = { ...request, applicationName: "ml-optimizer validate_mojo_artifact" };
  return withReadOnlySession(request.url, request.targetName, session, async (query) => {
    const tableColumns = await readStoreColumns(query, request.table);
    let columns = tableColumns;
    let rowsSampled = 0;
    if (request.jsonbColumn !== null) {
      const jsonb = tableColumns.get(request.jsonbColumn);
      if (jsonb === undefined || jsonb.type !== "jsonb") {
        throw new InputError(
          "jsonb_column",
          `${request.table} has no jsonb column ${request.jsonbColumn}` +
            (jsonb ? ` (it is ${jsonb.type})` : ""),
        );
      }
      const keys = await readJsonbKeys(
        query,
        request.table,
        request.jsonbColumn,
        request.sampleRows,
      );
      columns = keys.columns;
      rowsSampled = keys.rowsSampled;
    }

    const levels = new Map<string, { values: string[]; truncated: boolean }>();
    for (let index = 0; index < meta.nFeatures; index++) {
      const domain = meta.domains[index];
      const stored = findColumn(columns, meta.features[index]!);
      if (!domain || !stored) continue;
      const sample =
        request.jsonbColumn === null
          ? await sampleColumnLevels(
              query,
              request.table,
              stored.name,
              domain.length,
              request.sampleRows,
            )
          : await sampleJsonbLevels(
              query,
              request.table,
              request.jsonbColumn,
              stored.name,
              domain.length,
              request.sampleRows,
            );
      levels.set(meta.features[index]!, sample);
    }
    if (request.jsonbColumn === null) {
      const counted = await query<{ n: number }>(
        `SELECT count(*)::int AS n
           FROM (SELECT 1 FROM ${quoteTableName(request.table)} LIMIT $1) s`,
        [request.sampleRows],
      );
      rowsSampled = counted[0]?.n ?? 0;
    }
    return { rowsSampled, columns, levels };
  });
}

/** Exact name first; PostgreSQL folds unquoted names to lower case, so fall back to that. */
function findColumn(columns: Map<string, StoreColumn>, feature: string): StoreColumn | undefined {
  return columns.get(feature) ?? columns.get(feature.toLowerCase());
}

export function compareWithStore(
  meta: MojoMetadata,
  snapshot: StoreSnapshot,
  request: StoreRequest,
): { details: FeatureStoreDetails; findings: Finding[] } {
  const details: FeatureStoreDetails = {
    target: request.targetName,
    table: request.table,
    jsonb_column: request.jsonbColumn,
    rows_sampled: snapshot.rowsSampled,
    columns: [],
    unseen_levels: [],
  };
  const missing: string[] = [];
  const mismatched: { feature: string; modelType: string; storeType: string }[] = [];

  meta.features.forEach((feature, index) => {
    const domain = meta.domains[index] ?? null;
    const modelType = domain === null ? "numeric" : "categorical";
    const stored = findColumn(snapshot.columns, feature);
    if (stored === undefined) {
      missing.push(feature);
      details.columns.push({ feature, model_type: modelType, store_type: null, status: "missing" });
      return;
    }
    const fits =
      domain === null
        ? stored.kinds.every((kind) => kind === "numeric")
        : stored.kinds.every(
            (kind) => kind === "text" || (kind === "numeric" && domain.every(isNumericText)),
          );
    if (!fits) mismatched.push({ feature, modelType, storeType: stored.type });
    details.columns.push({
      feature,
      model_type: modelType,
      store_type: stored.type,
      status: fits ? "ok" : "type-mismatch",
    });

    const sample = snapshot.levels.get(feature);
    if (domain !== null && sample) {
      const known = new Set(domain);
      const unseen = sample.values.filter(
        (value) => !known.has(value) && !MISSING_TOKENS.has(value),
      );
      if (unseen.length > 0) {
        details.unseen_levels.push({ feature, levels: unseen.sort(), truncated: sample.truncated });
      }
    }
  });

  return { details, findings: storeFindings(meta, details, missing, mismatched, request) };
}

function storeFindings(
  meta: MojoMetadata,
  details: FeatureStoreDetails,
  missing: string[],
  mismatched: { feature: string; modelType: string; storeType: string }[],
  request: StoreRequest,
): Finding[] {
  const table = quoteTableName(request.table);
  const jsonb = request.jsonbColumn;
  const findings: Finding[] = [];
  const where = jsonb ? `${request.table}.${jsonb}` : request.table;

  for (const feature of missing) {
    const numeric = meta.domains[meta.features.indexOf(feature)] == null;
    const sqlType = numeric ? "double precision" : "text";
    findings.push({
      code: codes.storeMissingFeature,
      severity: "high",
      title: `Feature ${feature} is not in the feature store`,
      detail:
        `The model reads ${feature} (${numeric ? "numeric" : "categorical"}) but ${where} has no ` +
        `${jsonb ? "such key in the sampled rows" : "such column"}; every request would score ` +
        "it as missing, silently.",
      evidence: { feature, rows_sampled: details.rows_sampled },
      fix: jsonb
        ? `Write the key in the feature pipeline; until then expose it explicitly: ` +
          `CREATE VIEW ${table.replace(/"$/, '_v"')} AS SELECT *, (${quoteIdent(jsonb)} ->> ` +
          `${quoteLiteral(feature)})::${sqlType} AS ${quoteIdent(feature)} FROM ${table};`
        : `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(feature)} ${sqlType}; -- then backfill ` +
          `it, or serve through a view: CREATE VIEW ${table.replace(/"$/, '_v"')} AS SELECT *, ` +
          `NULL::${sqlType} AS ${quoteIdent(feature)} FROM ${table};`,
    });
  }

  for (const { feature, modelType, storeType } of mismatched) {
    const numeric = modelType === "numeric";
    const column = quoteIdent(feature);
    findings.push({
      code: codes.storeTypeMismatch,
      severity: numeric ? "high" : "medium",
      title: `Feature ${feature} is ${modelType} in the model but stored as ${storeType}`,
      detail: numeric
        ? `A numeric feature stored as ${storeType} must be parsed on every request; one ` +
          "value that is not a number fails the row or becomes missing."
        : `The model knows ${feature} by its level names; stored as ${storeType}, values ` +
          "will not match the domain and score as missing.",
      evidence: { feature, model_type: modelType, store_type: storeType },
      fix: jsonb
        ? `Write ${feature} as a JSON ${numeric ? "number" : "string"} in the pipeline; ` +
          `to repair stored rows: UPDATE ${table} SET ${quoteIdent(jsonb)} = ` +
          `jsonb_set(${quoteIdent(jsonb)}, ` +
          `'{${feature}}', to_jsonb((${quoteIdent(jsonb)} ->> ${quoteLiteral(feature)})` +
          `${numeric ? "::double precision" : ""})) WHERE jsonb_typeof(${quoteIdent(jsonb)} -> ` +
          `${quoteLiteral(feature)}) = '${numeric ? "string" : "number"}';`
        : numeric
          ? `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE double precision USING ` +
            `NULLIF(trim(${column}), '')::double precision;`
          : `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE text USING ${column}::text; ` +
            "-- or map codes to the model's level names in a view",
    });
  }

  for (const entry of details.unseen_levels) {
    const shown = entry.levels.slice(0, 10);
    const plural = entry.levels.length !== 1 || entry.truncated;
    findings.push({
      code: codes.unseenLevels,
      severity: "medium",
      title:
        `${entry.levels.length}${entry.truncated ? "+" : ""} ` +
        (plural
          ? `levels of ${entry.feature} in the store are`
          : `level of ${entry.feature} in the store is`) +
        " unknown to the model",
      detail:
        `Sampled values ${shown.map((level) => `"${level}"`).join(", ")}` +
        `${entry.levels.length > shown.length ? ", ..." : ""} are not in the model's domain; ` +
        "they will be scored as NA (each split's missing-value branch), not as a category.",
      evidence: {
        feature: entry.feature,
        unseen_levels: entry.levels.length,
        truncated: entry.truncated,
        rows_sampled: details.rows_sampled,
      },
      fix:
        "Retrain with data that contains these levels, or map them to known levels before " +
        `scoring, e.g. CASE WHEN ${quoteIdent(entry.feature)} IN ` +
        `(${shown.map(quoteLiteral).join(", ")}) THEN '<known level>' ELSE ` +
        `${quoteIdent(entry.feature)} END in the serving view.`,
    });
  }
  return findings;
}

function isNumericText(level: string): boolean {
  return level.trim() !== "" && !Number.isNaN(Number(level));
}
