import { MojoError, type MojoMetadata } from "./types.js";

/** Spellings h2o's PredictCsv reads as a missing value. */
const MISSING_TOKENS = new Set(["", "NA", "N/A", "-"]);

export type RecordValue = string | number | boolean | null | undefined;

/**
 * Throws MojoError("bad-row") when a row or prediction array is too short to score, where
 * h2o-genmodel would index past its end. Rows longer than the features are accepted, as in Java.
 */
export function checkScoreArgs(
  meta: MojoMetadata,
  row: ArrayLike<number>,
  preds: Float64Array,
  predsNeeded: number,
): void {
  if (row.length < meta.nFeatures) {
    throw new MojoError(
      "bad-row",
      `row has ${row.length} values but the ${meta.algo} model needs ${meta.nFeatures} ` +
        `(${meta.features.join(", ")})`,
    );
  }
  if (preds.length < predsNeeded) {
    throw new MojoError(
      "bad-row",
      `prediction array has length ${preds.length}, the ${meta.algo} model writes ${predsNeeded}`,
    );
  }
}

/**
 * Builds a function that turns a record of column name -> value into a row in [columns] order:
 * a categorical level becomes its index (NaN when the level is unknown), the missing spellings
 * "", "NA", "N/A", "-" and absent columns become NaN, and numeric strings are parsed.
 */
export function createRowEncoder(
  meta: MojoMetadata,
): (record: Record<string, RecordValue>) => Float64Array {
  const levelIndex = meta.domains
    .slice(0, meta.nFeatures)
    .map((domain) => (domain === null ? null : new Map(domain.map((level, at) => [level, at]))));
  return (record) => {
    const row = new Float64Array(meta.nFeatures);
    for (let column = 0; column < meta.nFeatures; column++) {
      const name = meta.features[column]!;
      row[column] = encodeValue(name, record[name], levelIndex[column] ?? null);
    }
    return row;
  };
}

export function rowFromRecord(
  meta: MojoMetadata,
  record: Record<string, RecordValue>,
): Float64Array {
  return createRowEncoder(meta)(record);
}

function encodeValue(
  column: string,
  value: RecordValue,
  levels: Map<string, number> | null,
): number {
  if (value === null || value === undefined) return NaN;
  const text = String(value);
  if (MISSING_TOKENS.has(text)) return NaN;
  if (levels !== null) return levels.get(text) ?? NaN;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  const parsed = Number(text.trim());
  if (Number.isNaN(parsed) && text.trim() !== "NaN") {
    throw new MojoError(
      "bad-row",
      `column ${column} is numeric but the value "${text}" is not a number`,
    );
  }
  return parsed;
}
