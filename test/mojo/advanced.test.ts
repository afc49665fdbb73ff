import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readCsvRecords } from "../../src/mojo/csv.js";
import { createRowEncoder, loadMojo, MojoError, type MojoModel } from "../../src/mojo/index.js";
import {
  fixturesMissing,
  H2O3_ROOT,
  irregularRows,
  mojolandModels,
  mojolandRow,
  readDataset,
  readScoreFile,
  type ScoreLine,
  withSkipReason,
} from "./fixtures.js";

const TOLERANCE = 1e-6;

type Stats = { rows: number; maxAbsDiff: number; exceptions: number };
const stats = new Map<string, Stats>();

function statsFor(algo: string): Stats {
  let entry = stats.get(algo);
  if (entry === undefined) {
    entry = { rows: 0, maxAbsDiff: 0, exceptions: 0 };
    stats.set(algo, entry);
  }
  return entry;
}

/** Checks numbers within 1e-6 (relative beyond 1, for the huge-input rows), labels exactly. */
function expectValues(algo: string, got: ArrayLike<number>, want: number[], where: string): void {
  const entry = statsFor(algo);
  want.forEach((expected, index) => {
    const actual = got[index]!;
    if (Object.is(actual, expected) || actual === expected) return;
    const diff = Math.abs(actual - expected);
    expect(diff, `${where}[${index}]: ${actual} vs ${expected}`).toBeLessThanOrEqual(
      TOLERANCE * Math.max(1, Math.abs(expected)),
    );
    if (Math.abs(expected) <= 1e6) entry.maxAbsDiff = Math.max(entry.maxAbsDiff, diff);
  });
  entry.rows++;
}

function expectLine(
  model: MojoModel,
  row: Float64Array,
  expected: ScoreLine,
  where: string,
  offset = 0,
  predsLength = model.predsSize,
): void {
  const preds = new Float64Array(predsLength);
  if ("exception" in expected) {
    expect(() => model.score(row, preds, offset), `${where}: Java threw`).toThrow(MojoError);
    statsFor(model.meta.algo).exceptions++;
    return;
  }
  model.score(row, preds, offset);
  if (model.meta.nClasses > 1) expect(preds[0], `${where}: label`).toBe(expected.values[0]);
  expectValues(model.meta.algo, preds, expected.values, where);
}

describe.skipIf(fixturesMissing)(withSkipReason("Deep Learning MOJOs against mojoland"), () => {
  for (const fixture of mojolandModels("deeplearning")) {
    it(`matches the Java scores of ${fixture.name}, with offsets and irregular rows`, () => {
      const model = loadMojo(fixture.mojoPath);
      const rows = readDataset(fixture.datasetPath).map((record) =>
        mojolandRow(model.meta, record),
      );
      const plain = readScoreFile(fixture.scoresPath(0));
      const withOffset = readScoreFile(fixture.scoresPath(1));
      expect(plain).toHaveLength(rows.length);
      rows.forEach((row, index) => {
        expectLine(model, row, plain[index]!, `${fixture.name} row ${index}`);
        expectLine(model, row, withOffset[index]!, `${fixture.name} offset row ${index}`, index);
      });
      const irregular = readScoreFile(fixture.scoresPath(2));
      irregularRows(model.meta.nFeatures).forEach((entry, index) => {
        const length = entry.predsLength ?? model.predsSize;
        expectLine(
          model,
          entry.row,
          irregular[index]!,
          `${fixture.name} ${entry.label}`,
          0,
          length,
        );
      });
    });
  }
});

/** PredictCsv's output for data/prostate.csv, next to ours, column by column. */
function comparePredictCsv(mojo: string): MojoModel {
  const model = loadMojo(join(H2O3_ROOT, "mojos", `${mojo}.zip`));
  const dataPath = join(H2O3_ROOT, "data/prostate.csv");
  const records = readCsvRecords(readFileSync(dataPath, "utf8"), dataPath);
  const expectedPath = join(H2O3_ROOT, "expected", `${mojo}.prostate.csv`);
  const expected = readCsvRecords(readFileSync(expectedPath, "utf8"), expectedPath);
  expect(expected).toHaveLength(records.length);
  const encode = createRowEncoder(model.meta);
  const labels = model.meta.classLabels;
  records.forEach((record, index) => {
    const preds = new Float64Array(model.predsSize);
    model.score(encode(record), preds);
    const want = expected[index]!;
    const columns = Object.keys(want);
    if (labels !== null) {
      expect(labels[preds[0]!], `${mojo} row ${index}: label`).toBe(want["predict"]);
      const probabilities = columns.slice(1).map((column) => Number(want[column]));
      expectValues(model.meta.algo, preds.subarray(1), probabilities, `${mojo} row ${index}`);
    } else {
      const values = columns.map((column) => Number(want[column]));
      expectValues(model.meta.algo, preds, values, `${mojo} row ${index}`);
    }
  });
  return model;
}

describe.skipIf(fixturesMissing)(withSkipReason("h2o-3 MOJOs against PredictCsv"), () => {
  afterAll(() => {
    for (const [algo, entry] of stats) {
      console.log(
        `${algo}: ${entry.rows} rows compared, ${entry.exceptions} Java exceptions matched, ` +
          `max abs diff ${entry.maxAbsDiff.toExponential(3)}`,
      );
    }
  });

  it("scores the binomial stacked ensemble (GBM and DRF base models, GLM metalearner)", () => {
    const model = comparePredictCsv("se_binomial");
    expect(model.predsSize).toBe(3);
  });

  it("scores the multinomial stacked ensemble, feeding every class probability onward", () => {
    expect(comparePredictCsv("se_multinomial").meta.nClasses).toBe(3);
  });

  it("scores the regression stacked ensemble, whose base models order columns differently", () => {
    comparePredictCsv("se_regression");
  });

  it("scores the isolation forest as [score, mean path length]", () => {
    const model = comparePredictCsv("isofor");
    expect(model.predsSize).toBe(2);
  });

  it("refuses an offset for a stacked ensemble, as GenModel does", () => {
    const model = loadMojo(join(H2O3_ROOT, "mojos/se_regression.zip"));
    const row = new Float64Array(model.meta.nFeatures);
    expect(() => model.score(row, new Float64Array(2), 3)).toThrow(/offset/);
  });
});

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Writes an unpacked MOJO folder from entry name -> content. */
function mojoFolder(entries: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), "mojo-advanced-"));
  folders.push(root);
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

function maxoutModelIni(extra: string): string {
  return [
    "[info]",
    "algorithm = Deep Learning",
    "mojo_version = 1.10",
    "category = Regression",
    "supervised = true",
    "n_features = 2",
    "n_classes = 1",
    "n_columns = 3",
    "nums = 2",
    "cats = 0",
    "cat_offsets = [0]",
    "norm_mul = [1.0, 0.5]",
    "norm_sub = [0.0, 2.0]",
    "norm_resp_mul = null",
    "norm_resp_sub = null",
    "use_all_factor_levels = true",
    "activation = MaxoutWithDropout",
    "distribution = gaussian",
    "mean_imputation = true",
    "neural_network_sizes = [2, 2, 1]",
    "hidden_dropout_ratios = [0.5, 0.0]",
    "weight_layer0 = [1.0, 2.0, 3.0, -1.0, 0.5, 0.25, -2.0, 1.0]",
    "bias_layer0 = [0.5, 0.0, 1.0, -1.0]",
    "weight_layer1 = [2.0, -4.0]",
    "bias_layer1 = [0.1]",
    extra,
    "[columns]",
    "x1",
    "x2",
    "y",
  ].join("\n");
}

describe("Deep Learning activations the fixtures do not cover", () => {
  it("takes the larger maxout piece, scales by 1 - dropout and imputes missing as the mean", () => {
    const model = loadMojo(mojoFolder({ "model.ini": maxoutModelIni("") }));
    const preds = new Float64Array(model.predsSize);
    // Standardised inputs (1, 1): unit 0 = max(4.5, 1) * 0.5, unit 1 = max(-0.5, 0.25) * 0.5.
    expect(model.score([1, 4], preds)[0]).toBeCloseTo(2 * 2.25 - 4 * 0.125 + 0.1, 12);
    // A missing x1 standardises to 0: unit 0 = 3.5 * 0.5, unit 1 = max(-1, 0) * 0.5.
    expect(model.score([NaN, 4], preds)[0]).toBeCloseTo(2 * 1.75 + 0.1, 12);
  });

  it("refuses a row longer than the features, where h2o-genmodel overruns its array", () => {
    const model = loadMojo(mojoFolder({ "model.ini": maxoutModelIni("") }));
    expect(() => model.score([1, 2, 3], new Float64Array(2))).toThrow(/at most 2 numeric/);
  });

  it("reports weights that do not fit the layer sizes as a corrupt MOJO", () => {
    const ini = maxoutModelIni("").replace("bias_layer1 = [0.1]", "bias_layer1 = [0.1, 0.2]");
    expect(() => loadMojo(mojoFolder({ "model.ini": ini }))).toThrow(/layer 1 .* 2 biases/);
  });
});

describe.skipIf(fixturesMissing)(withSkipReason("Isolation Forest options"), () => {
  it("writes [flag, score, mean_length] when the MOJO asks for the anomaly flag", () => {
    const entries = unzipSync(readFileSync(join(H2O3_ROOT, "mojos/isofor.zip")));
    const plain = loadMojo(join(H2O3_ROOT, "mojos/isofor.zip"));
    const ini = new TextDecoder().decode(entries["model.ini"]!);
    entries["model.ini"] = new TextEncoder().encode(
      ini.replace("[columns]", "output_anomaly_flag = true\ndefault_threshold = 0.05\n\n[columns]"),
    );
    const flagged = loadMojo(mojoFolder(entries));
    expect(flagged.predsSize).toBe(3);

    const row = new Float64Array(plain.meta.nFeatures).fill(1);
    const [score, meanLength] = plain.score(row, new Float64Array(2));
    const preds = flagged.score(row, new Float64Array(3));
    expect(Array.from(preds)).toEqual([score! > 0.05 ? 1 : 0, score, meanLength]);
  });
});

describe.skipIf(fixturesMissing)(withSkipReason("Stacked Ensemble structure"), () => {
  it("names the missing submodel when model.ini points at one that is not there", () => {
    const entries = unzipSync(readFileSync(join(H2O3_ROOT, "mojos/se_binomial.zip")));
    const ini = new TextDecoder().decode(entries["model.ini"]!);
    entries["model.ini"] = new TextEncoder().encode(
      ini.replace("base_model2 = DRF_model_R_1510601497952_1815", "base_model2 = DRF_gone"),
    );
    expect(() => loadMojo(mojoFolder(entries))).toThrow(/"DRF_gone" is not among the submodels/);
  });
});
