import { readFileSync } from "node:fs";
import { readCsvRecords } from "../../mojo/csv.js";
import { createRowEncoder } from "../../mojo/row.js";
import type { MojoModel } from "../../mojo/types.js";
import { InputError } from "../../infra/errors.js";
import type { Finding } from "../../report/report.js";
import { codes } from "./codes.js";
import type { ValidateMojoDetails } from "./schema.js";

export type Parity = NonNullable<ValidateMojoDetails["parity"]>;

const classifiers = new Set(["Binomial", "Multinomial", "Ordinal"]);
const MAX_REPORTED_MISMATCHES = 10;

/** XGBoost and Deep Learning sum floats in a different order than Java; 1e-9 is too tight. */
export function defaultTolerance(algo: string): number {
  return algo === "xgboost" || algo === "deeplearning" ? 1e-6 : 1e-9;
}

/** Reads a CSV of input rows (by header) into model rows; throws InputError on `rows`. */
export function readInputRows(
  model: MojoModel,
  rowsPath: string,
): {
  rows: Float64Array[];
  offsets: number[];
  missingFeatures: string[];
} {
  const records = readCsvRecords(readText(rowsPath, "rows"), rowsPath);
  if (records.length === 0) throw new InputError("rows", `${rowsPath} has no data rows`);
  const encode = createRowEncoder(model.meta);
  const header = new Set(Object.keys(records[0]!));
  const missingFeatures = model.meta.features.filter((name) => !header.has(name));
  const offsetColumn = model.meta.offsetColumn;
  const rows: Float64Array[] = [];
  const offsets: number[] = [];
  records.forEach((record, index) => {
    try {
      rows.push(encode(record));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InputError("rows", `${rowsPath} line ${index + 2}: ${reason}`);
    }
    offsets.push(offsetColumn ? Number(record[offsetColumn] ?? 0) : 0);
  });
  return { rows, offsets, missingFeatures };
}

/**
 * Scores every input row and compares it with the Java predictions: the label of a classifier
 * exactly, every number within `tolerance` (NA matches NaN).
 */
export function compareWithExpected(
  model: MojoModel,
  input: { rows: Float64Array[]; offsets: number[]; missingFeatures: string[] },
  expectedPath: string,
  tolerance: number,
): Parity {
  const expected = readCsvRecords(readText(expectedPath, "expected"), expectedPath);
  if (expected.length === 0) throw new InputError("expected", `${expectedPath} has no rows`);
  const columns = Object.keys(expected[0]!);
  const meta = model.meta;
  const isClassifier = classifiers.has(meta.category);
  const labels = meta.classLabels ?? [];
  const preds = new Float64Array(Math.max(model.predsSize, columns.length));

  const parity: Parity = {
    rows_compared: Math.min(expected.length, input.rows.length),
    tolerance,
    max_abs_diff: 0,
    mismatched_values: 0,
    mismatched_labels: 0,
    missing_features: input.missingFeatures,
    first_mismatches: [],
  };
  const note = (row: number, column: string, expectedText: string, actual: string) => {
    if (parity.first_mismatches.length < MAX_REPORTED_MISMATCHES) {
      parity.first_mismatches.push({ row: row + 1, column, expected: expectedText, actual });
    }
  };

  for (let row = 0; row < parity.rows_compared; row++) {
    preds.fill(0);
    model.score(input.rows[row]!, preds, input.offsets[row]!);
    const record = expected[row]!;
    columns.forEach((column, index) => {
      const text = (record[column] ?? "").trim();
      if (isClassifier && index === 0) {
        const actual = labels[preds[0]!] ?? String(preds[0]);
        if (actual !== text) {
          parity.mismatched_labels++;
          note(row, column, text, actual);
        }
        return;
      }
      const wanted = parseJavaNumber(text);
      const actual = preds[index]!;
      if (Number.isNaN(wanted) && Number.isNaN(actual)) return;
      const difference = Math.abs(wanted - actual);
      if (Number.isNaN(difference) || difference > tolerance) {
        parity.mismatched_values++;
        note(row, column, text, String(actual));
      }
      if (!Number.isNaN(difference)) {
        parity.max_abs_diff = Math.max(parity.max_abs_diff, difference);
      }
    });
  }
  if (expected.length !== input.rows.length) {
    parity.first_mismatches.unshift({
      row: parity.rows_compared + 1,
      column: "(row count)",
      expected: `${expected.length} rows`,
      actual: `${input.rows.length} input rows`,
    });
  }
  return parity;
}

/** PredictCsv prints decimals with --decimal, Java hex floats (`0x1.8p-1`) without; NA is NaN. */
export function parseJavaNumber(text: string): number {
  if (text === "NA" || text === "NaN" || text === "") return NaN;
  const hex = /^(-?)0x([01])\.([0-9a-f]*)p(-?\d+)$/i.exec(text);
  if (hex === null) return Number(text);
  const [, sign, lead, fraction, exponent] = hex;
  const mantissa = Number(lead) + (fraction ? parseInt(fraction, 16) / 16 ** fraction.length : 0);
  return (sign === "-" ? -1 : 1) * mantissa * 2 ** Number(exponent);
}

export function parityFindings(parity: Parity, expectedPath: string, algo: string): Finding[] {
  const findings: Finding[] = [];
  const evidence = {
    rows_compared: parity.rows_compared,
    max_abs_diff: parity.max_abs_diff,
    tolerance: parity.tolerance,
    mismatched_values: parity.mismatched_values,
    mismatched_labels: parity.mismatched_labels,
  };
  const first = parity.first_mismatches.find((mismatch) => mismatch.column !== "(row count)");
  const example = first
    ? ` First: row ${first.row} ${first.column} expected ${first.expected}, got ${first.actual}.`
    : "";
  if (parity.mismatched_values > 0) {
    findings.push({
      code: codes.predictionMismatch,
      severity: "high",
      title: `${parity.mismatched_values} predicted values differ from ${expectedPath}`,
      detail:
        `Largest difference ${parity.max_abs_diff.toPrecision(3)} against a tolerance of ` +
        `${parity.tolerance}.${example} Either the expected file comes from another model or ` +
        "export, or the inputs were prepared differently (column order, categorical levels).",
      evidence,
      fix:
        "Regenerate the expected file from this exact MOJO: java -cp h2o-genmodel.jar " +
        "hex.genmodel.tools.PredictCsv --mojo <model.zip> --input <rows.csv> --output " +
        `<expected.csv> --decimal; if it still differs, raise tolerance only for ${algo} ` +
        "float noise (1e-6), never past it.",
    });
  }
  if (parity.mismatched_labels > 0) {
    findings.push({
      code: codes.labelMismatch,
      severity: "high",
      title: `${parity.mismatched_labels} predicted labels differ from ${expectedPath}`,
      detail: `Labels are compared exactly.${example}`,
      evidence,
      fix:
        "Check default_threshold in model.ini against the threshold the expected file used, " +
        "and that the expected file was produced from this MOJO.",
    });
  }
  const rowCount = parity.first_mismatches.find((mismatch) => mismatch.column === "(row count)");
  if (rowCount || parity.missing_features.length > 0) {
    const problems = [
      rowCount ? `expected has ${rowCount.expected}, input has ${rowCount.actual}` : "",
      parity.missing_features.length
        ? `input lacks ${parity.missing_features.join(", ")} (scored as missing)`
        : "",
    ].filter(Boolean);
    findings.push({
      code: codes.parityInput,
      severity: "medium",
      title: "The parity inputs do not line up with the model",
      detail: `${problems.join("; ")}.`,
      evidence: { ...evidence, missing_features: parity.missing_features.length },
      fix: "Give the same rows file to PredictCsv and to this check, with every model feature.",
    });
  }
  return findings;
}

function readText(path: string, field: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(field, `cannot read ${path} (${reason}); check the path`);
  }
}
