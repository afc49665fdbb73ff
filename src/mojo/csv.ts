/**
 * Scoring a CSV the way h2o-genmodel's PredictCsv does: columns matched to the model by header
 * name, "", "NA", "N/A" and "-" read as missing, unknown categorical levels scored as missing,
 * and the same header and number spelling in the output, so the two files can be diffed.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { createRowEncoder } from "./row.js";
import { MojoError, type MojoMetadata, type MojoModel } from "./types.js";

const classifierCategories = new Set(["Binomial", "Multinomial", "Ordinal"]);

/**
 * PredictCsv's header: `predict` and one column per class for classifiers (a class label that
 * is an integer is written `p<label>`, as H2O names its prediction frame columns), `predict`
 * for regressions, `predict,mean_length` for an isolation forest, `cluster` for k-means.
 */
export function outputColumns(meta: MojoMetadata): string[] {
  if (classifierCategories.has(meta.category)) {
    const labels = meta.classLabels ?? [];
    return ["predict", ...labels.map((label) => (/^-?\d+$/.test(label) ? `p${label}` : label))];
  }
  switch (meta.category) {
    case "Regression":
      return ["predict"];
    case "AnomalyDetection":
      return ["predict", "mean_length"];
    case "Clustering":
      return ["cluster"];
    default:
      throw new MojoError(
        "unsupported-algorithm",
        `cannot write predictions for a ${meta.category} model; ` +
          "score supports Binomial, Multinomial, Ordinal, Regression, AnomalyDetection " +
          "and Clustering",
      );
  }
}

/** Java's Double.toString: plain between 1e-3 and 1e7, else `d.dddE<exp>`; NaN as `NA`. */
export function javaDecimal(value: number): string {
  if (Number.isNaN(value)) return "NA";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";

  const sign = value < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e");
  const digits = mantissa!.replace(".", "");
  const exponent = Number(exponentText);

  if (exponent >= -3 && exponent < 7) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const fraction = digits.slice(exponent + 1) || "0";
    return `${sign}${whole}.${fraction}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || "0"}E${exponent}`;
}

const bits = new DataView(new ArrayBuffer(8));

/** Java's Double.toHexString (`0x1.8p1`), what PredictCsv writes without --decimal. */
export function javaHex(value: number): string {
  if (Number.isNaN(value)) return "NA";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  bits.setFloat64(0, value);
  const sign = bits.getUint32(0) >>> 31 ? "-" : "";
  if (value === 0) return `${sign}0x0.0p0`;

  const raw = bits.getBigUint64(0);
  const biasedExponent = Number((raw >> 52n) & 0x7ffn);
  const fraction = (raw & ((1n << 52n) - 1n)).toString(16).padStart(13, "0");
  const trimmed = fraction.replace(/0+$/, "") || "0";
  if (biasedExponent === 0) return `${sign}0x0.${trimmed}p-1022`;
  return `${sign}0x1.${trimmed}p${biasedExponent - 1023}`;
}

export interface ScoreCsvOptions {
  /** Decimal numbers (PredictCsv --decimal) instead of Java hex floats. */
  decimal?: boolean;
}

export interface ScoredCsv {
  csv: string;
  rows: number;
  /** Model features the input has no column for; they are scored as missing. */
  missingColumns: string[];
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Reads a CSV with a header into records of column name -> text. */
export function readCsvRecords(text: string, location: string): Record<string, string>[] {
  try {
    return parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MojoError("bad-row", `${location}: not a readable CSV (${reason})`);
  }
}

export function scoreCsv(
  model: MojoModel,
  text: string,
  location: string,
  options: ScoreCsvOptions = {},
): ScoredCsv {
  const meta = model.meta;
  const header = outputColumns(meta);
  const records = readCsvRecords(text, location);
  const format = options.decimal ? javaDecimal : javaHex;
  const encode = createRowEncoder(meta);
  const preds = new Float64Array(Math.max(model.predsSize, header.length));
  const present = new Set(records.length ? Object.keys(records[0]!) : firstLine(text));
  const missingColumns = meta.features.filter((name) => !present.has(name));
  const isClassifier = classifierCategories.has(meta.category);

  const lines = [header.join(",")];
  records.forEach((record, index) => {
    const lineNumber = index + 2;
    try {
      const row = encode(record);
      const offset = meta.offsetColumn ? Number(record[meta.offsetColumn]) : 0;
      preds.fill(0);
      model.score(row, preds, offset);
      lines.push(formatPrediction(meta, preds, header.length, isClassifier, format));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MojoError("bad-row", `${location}: line ${lineNumber}: ${reason}`);
    }
  });
  return { csv: lines.join("\n") + "\n", rows: records.length, missingColumns };
}

function firstLine(text: string): string[] {
  return (text.split(/\r?\n/, 1)[0] ?? "").split(",").map((name) => name.trim());
}

function formatPrediction(
  meta: MojoMetadata,
  preds: Float64Array,
  width: number,
  isClassifier: boolean,
  format: (value: number) => string,
): string {
  if (isClassifier) {
    const labelIndex = preds[0]!;
    const label = meta.classLabels?.[labelIndex] ?? format(labelIndex);
    const probabilities = Array.from(preds.subarray(1, width), format);
    return [csvField(label), ...probabilities].join(",");
  }
  return Array.from(preds.subarray(0, width), format).join(",");
}
