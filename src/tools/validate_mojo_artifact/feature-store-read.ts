import { InputError } from "../../infra/errors.js";
import { quoteIdent, type Query } from "../../infra/postgres.js";

export type StoreKind = "numeric" | "text" | "boolean" | "other";

export interface StoreColumn {
  name: string;
  /** What the store holds: a column type, or the JSON types seen under a JSONB key. */
  type: string;
  kinds: StoreKind[];
}

export interface StoreSnapshot {
  rowsSampled: number;
  columns: Map<string, StoreColumn>;
  /** Distinct values sampled per categorical feature; `truncated` when the cap was reached. */
  levels: Map<string, { values: string[]; truncated: boolean }>;
}

/** Distinct values read per categorical feature beyond its domain size. */
const EXTRA_LEVELS = 1000;

/** Splits `schema.table` (either part may be double-quoted) and quotes each part for SQL. */
export function quoteTableName(table: string): string {
  const parts = table.match(/"(?:[^"]|"")+"|[^."]+/g) ?? [];
  if (parts.length < 1 || parts.length > 2 || parts.join(".") !== table) {
    throw new InputError("table", `"${table}" is not a table name or schema.table`);
  }
  return parts
    .map((part) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part))
    .map((part) => quoteIdent(part))
    .join(".");
}

export async function readStoreColumns(
  query: Query,
  table: string,
): Promise<Map<string, StoreColumn>> {
  const quoted = quoteTableName(table);
  const rows = await query<{ name: string; type: string; category: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            t.typcategory AS category
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoted],
  );
  if (rows.length === 0) {
    throw new InputError(
      "table",
      `no table or view ${table} is visible to this connection; check the name, the schema ` +
        "and the role's privileges",
    );
  }
  const kindOf = (category: string): StoreKind =>
    category === "N"
      ? "numeric"
      : category === "S" || category === "E"
        ? "text"
        : category === "B"
          ? "boolean"
          : "other";
  return new Map(
    rows.map((row) => [
      row.name,
      { name: row.name, type: row.type, kinds: [kindOf(row.category)] },
    ]),
  );
}

/** Keys of a JSONB feature column in the first `sampleRows` rows, with the JSON types seen. */
export async function readJsonbKeys(
  query: Query,
  table: string,
  jsonbColumn: string,
  sampleRows: number,
): Promise<{ rowsSampled: number; columns: Map<string, StoreColumn> }> {
  const quoted = quoteTableName(table);
  const column = quoteIdent(jsonbColumn);
  const rows = await query<{ key: string | null; json_type: string | null; sampled: number }>(
    `WITH sample AS (SELECT ${column} AS doc FROM ${quoted} LIMIT $1)
     SELECT e.key, jsonb_typeof(e.value) AS json_type, (SELECT count(*) FROM sample)::int AS sampled
       FROM sample
       LEFT JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(sample.doc) = 'object'
                                         THEN sample.doc ELSE '{}'::jsonb END) e ON true
      GROUP BY 1, 2`,
    [sampleRows],
  );
  const columns = new Map<string, StoreColumn>();
  for (const row of rows) {
    if (row.key === null || row.json_type === null || row.json_type === "null") continue;
    const entry = columns.get(row.key) ?? { name: row.key, type: "", kinds: [] };
    const kind: StoreKind =
      row.json_type === "number"
        ? "numeric"
        : row.json_type === "string"
          ? "text"
          : row.json_type === "boolean"
            ? "boolean"
            : "other";
    if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
    entry.type = `jsonb ${entry.kinds.map(jsonTypeName).join("|")}`;
    columns.set(row.key, entry);
  }
  return { rowsSampled: rows[0]?.sampled ?? 0, columns };
}

/** Distinct values of a plain column among the first `sampleRows` rows, capped. */
export async function sampleColumnLevels(
  query: Query,
  table: string,
  column: string,
  domainSize: number,
  sampleRows: number,
): Promise<{ values: string[]; truncated: boolean }> {
  const cap = domainSize + EXTRA_LEVELS;
  const rows = await query<{ level: string }>(
    `SELECT DISTINCT level FROM
       (SELECT ${quoteIdent(column)}::text AS level FROM ${quoteTableName(table)} LIMIT $1) s
      WHERE level IS NOT NULL LIMIT $2`,
    [sampleRows, cap],
  );
  return { values: rows.map((row) => row.level), truncated: rows.length >= cap };
}

/** Distinct values under one JSONB key among the first `sampleRows` rows, capped. */
export async function sampleJsonbLevels(
  query: Query,
  table: string,
  jsonbColumn: string,
  key: string,
  domainSize: number,
  sampleRows: number,
): Promise<{ values: string[]; truncated: boolean }> {
  const cap = domainSize + EXTRA_LEVELS;
  const rows = await query<{ level: string }>(
    `SELECT DISTINCT level FROM
       (SELECT ${quoteIdent(jsonbColumn)} ->> $2 AS level
          FROM ${quoteTableName(table)} LIMIT $1) s
      WHERE level IS NOT NULL LIMIT $3`,
    [sampleRows, key, cap],
  );
  return { values: rows.map((row) => row.level), truncated: rows.length >= cap };
}

function jsonTypeName(kind: StoreKind): string {
  if (kind === "numeric") return "number";
  return kind === "text" ? "string" : kind;
}
