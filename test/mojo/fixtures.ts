/**
 * Reading the shared H2O MOJO fixtures (../shared/fixtures beside the checkout): the mojoland
 * suite's models, datasets and Java score files, prepared exactly as the fixtures README says.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { unzipSync, zipSync } from "fflate";
import { MojoError, type MojoErrorReason, type MojoMetadata } from "../../src/mojo/types.js";

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_ROOT = resolve(here, "../../../shared/fixtures");
export const MOJOLAND_ROOT = join(FIXTURES_ROOT, "h2o-mojo/mojoland");
export const H2O3_ROOT = join(FIXTURES_ROOT, "h2o-mojo/h2o-3");
export const fixturesMissing = !existsSync(join(FIXTURES_ROOT, "h2o-mojo"));
export const SKIP_REASON = `fixtures absent at ${FIXTURES_ROOT}`;

/** A suite title that says why it is skipped when the shared fixtures are absent. */
export function withSkipReason(title: string): string {
  return fixturesMissing ? `${title} (skipped: ${SKIP_REASON})` : title;
}

/** The reason a MojoError gives for refusing `action`, or "no error" when it goes through. */
export function reasonOf(action: () => unknown): MojoErrorReason | "no error" {
  try {
    action();
  } catch (error) {
    if (error instanceof MojoError) return error.reason;
    throw error;
  }
  return "no error";
}

export interface MojolandModel {
  algo: string;
  dataset: string;
  version: string;
  /** `<algo>_v<X.YY>_<dataset>`, the prefix of every file of this model. */
  name: string;
  mojoPath: string;
  datasetPath: string;
  /** Path of `_scores0.txt`, `_scores1.txt` or `_scores2.txt`. */
  scoresPath(index: 0 | 1 | 2): string;
}

/** Every mojoland model of `algo` (gbm, drf, glm, ...), in a stable order. */
export function mojolandModels(algo: string): MojolandModel[] {
  const algoDir = join(MOJOLAND_ROOT, "mojos", algo);
  if (!existsSync(algoDir)) return [];
  const models: MojolandModel[] = [];
  for (const dataset of readdirSync(algoDir).sort()) {
    for (const versionDir of readdirSync(join(algoDir, dataset)).sort()) {
      const version = versionDir.replace(/^v/, "");
      const name = `${algo}_v${version}_${dataset}`;
      const dir = join(algoDir, dataset, versionDir);
      models.push({
        algo,
        dataset,
        version,
        name,
        mojoPath: join(dir, `${name}.mojo`),
        datasetPath: join(MOJOLAND_ROOT, "datasets", `${datasetFile(dataset)}.csv`),
        scoresPath: (index) => join(dir, `${name}_scores${index}.txt`),
      });
    }
  }
  return models;
}

/** XGBoost folders carry the booster in the name (`irisdart`); the data set is the prefix. */
function datasetFile(dataset: string): string {
  const known = ["cars", "iris", "missing", "names", "titanic"];
  return known.find((name) => dataset.startsWith(name)) ?? dataset;
}

export type ScoreLine = { values: number[] } | { exception: string };

/** One line of a mojoland score file: `[a, b, ...]` in Java notation, or an exception name. */
export function parseScoreLine(line: string): ScoreLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith("[")) return { exception: trimmed };
  const body = trimmed.slice(1, -1).trim();
  if (body === "") return { values: [] };
  return { values: body.split(",").map((part) => parseJavaDouble(part.trim())) };
}

export function parseJavaDouble(text: string): number {
  const value = Number(text);
  if (Number.isNaN(value) && text !== "NaN") throw new Error(`not a Java double: "${text}"`);
  return value;
}

export function readScoreFile(path: string): ScoreLine[] {
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map(parseScoreLine);
}

export type CsvRecord = Record<string, string>;

/** A CSV with its header; for names.csv only every 20th line (the header is line 0). */
export function readDataset(path: string): CsvRecord[] {
  const records = parse(readFileSync(path, "utf8"), { columns: true }) as CsvRecord[];
  if (!path.endsWith("names.csv")) return records;
  return records.filter((_record, index) => (index + 1) % 20 === 0);
}

/**
 * A record as mojoland fed it to score0: features in [columns] order, a categorical value as
 * its level index (NaN when not in the domain), "" as NaN, anything else parsed as a double.
 */
export function mojolandRow(meta: MojoMetadata, record: CsvRecord): Float64Array {
  const row = new Float64Array(meta.nFeatures);
  for (let column = 0; column < meta.nFeatures; column++) {
    const text = record[meta.features[column]!];
    const domain = meta.domains[column];
    if (text === undefined || text === "") {
      row[column] = NaN;
    } else if (domain) {
      const level = domain.indexOf(text);
      row[column] = level < 0 ? NaN : level;
    } else {
      row[column] = parseJavaDouble(text.trim());
    }
  }
  return row;
}

export interface IrregularRow {
  row: Float64Array;
  predsLength: number | null;
  label: string;
}

/** The rows behind `_scores2.txt`, in its order; predsLength null means the model's own. */
export function irregularRows(nFeatures: number): IrregularRow[] {
  const n = nFeatures;
  const make = (length: number, value: (x: number) => number): Float64Array =>
    Float64Array.from({ length }, (_unused, x) => value(x));
  const rows: IrregularRow[] = [
    { row: make(n, () => NaN), predsLength: null, label: "all NaN" },
    { row: make(n, () => 0), predsLength: null, label: "all zero" },
    { row: make(n, (x) => -x), predsLength: null, label: "negatives" },
    { row: make(n + 1, (x) => x), predsLength: null, label: "one feature too many" },
    { row: make(n - 1, (x) => x), predsLength: null, label: "one feature too few" },
  ];
  for (let i = 0; i <= n - 2; i++) {
    const row = make(n - 1, (x) => (x < i ? x * 1000 : x === i ? NaN : x + 1));
    rows.push({ row, predsLength: null, label: `NaN at ${i}, one short` });
  }
  for (let power = 1; power <= 20; power++) {
    const scale = Number(`1e${power * 10}`);
    rows.push({
      row: make(n, (x) => (x + 1) * scale),
      predsLength: null,
      label: `huge e${power * 10}`,
    });
  }
  rows.push({ row: make(n, () => 0), predsLength: 1, label: "zeros into preds of length 1" });
  return rows;
}

/** A fixture zip's entries, edited in memory and zipped again (for damaged-MOJO tests). */
export function rezipped(
  zipPath: string,
  edit: (entries: Record<string, Uint8Array>) => void,
): Uint8Array {
  const entries = unzipSync(readFileSync(zipPath));
  edit(entries);
  return zipSync(entries);
}

export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function entryText(entries: Record<string, Uint8Array>, name: string): string {
  const bytes = entries[name];
  if (!bytes) throw new Error(`fixture has no entry ${name}`);
  return new TextDecoder().decode(bytes);
}
