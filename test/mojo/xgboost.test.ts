import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCsvRecords } from "../../src/mojo/csv.js";
import { createRowEncoder, loadMojo, MojoError, type MojoModel } from "../../src/mojo/index.js";
import { parseBooster } from "../../src/mojo/xgboost/booster.js";
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

const stats = { rows: 0, maxAbsDiff: 0, exceptions: 0 };

/** Scores one row like the Java harness and checks it against the expected line. */
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
    stats.exceptions++;
    return;
  }
  model.score(row, preds, offset);
  expected.values.forEach((want, index) => {
    const got = preds[index]!;
    if (index === 0 && model.meta.nClasses > 1) {
      expect(got, `${where}: label`).toBe(want);
      return;
    }
    if (Object.is(got, want) || got === want) return;
    const diff = Math.abs(got - want);
    // Huge inputs give huge outputs; beyond 1 the tolerance is relative.
    expect(diff, `${where}[${index}]: ${got} vs ${want}`).toBeLessThanOrEqual(
      TOLERANCE * Math.max(1, Math.abs(want)),
    );
    if (Math.abs(want) <= 1e6) stats.maxAbsDiff = Math.max(stats.maxAbsDiff, diff);
  });
  stats.rows++;
}

describe.skipIf(fixturesMissing)(withSkipReason("XGBoost MOJOs against h2o-genmodel"), () => {
  afterAll(() => {
    console.log(
      `xgboost: ${stats.rows} rows compared, ${stats.exceptions} Java exceptions matched, ` +
        `max abs diff ${stats.maxAbsDiff.toExponential(3)}`,
    );
  });

  for (const fixture of mojolandModels("xgboost")) {
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
        const where = `${fixture.name} ${entry.label}`;
        const length = entry.predsLength ?? model.predsSize;
        expectLine(model, entry.row, irregular[index]!, where, 0, length);
      });
    });
  }

  it("matches PredictCsv on prostate.csv for the h2o-3 xgboost_java MOJO", () => {
    const model = loadMojo(join(H2O3_ROOT, "mojos/xgboost_java.zip"));
    const dataPath = join(H2O3_ROOT, "data/prostate.csv");
    const records = readCsvRecords(readFileSync(dataPath, "utf8"), dataPath);
    const expectedPath = join(H2O3_ROOT, "expected/xgboost_java.prostate.csv");
    const expected = readCsvRecords(readFileSync(expectedPath, "utf8"), expectedPath);
    expect(records).toHaveLength(380);
    const encode = createRowEncoder(model.meta);
    records.forEach((record, index) => {
      const want = [Number(expected[index]!["predict"])];
      expectLine(model, encode(record), { values: want }, `prostate row ${index}`);
    });
  });

  it("refuses an offset, as H2O's Java XGBoost scorer does", () => {
    const [fixture] = mojolandModels("xgboost");
    const model = loadMojo(fixture!.mojoPath);
    const row = new Float64Array(model.meta.nFeatures);
    expect(() => model.score(row, new Float64Array(model.predsSize), 1)).toThrow(/offset/);
  });
});

describe("XGBoost booster decoding", () => {
  it("reports a truncated booster as a corrupt MOJO", () => {
    const bytes = new Uint8Array(100);
    expect(() => parseBooster(bytes, 4, "test.zip: boosterBytes")).toThrow(
      /ends at byte 100 while reading/,
    );
  });

  it("decodes a one-leaf gbtree and refuses a split past the encoded features", () => {
    const booster = oneStumpBooster(0.25, 3);
    const decoded = parseBooster(booster, 4, "stump");
    expect(decoded.kind).toBe("gbtree");
    expect(decoded.objective).toBe("reg:squarederror");
    expect(decoded.baseScore).toBe(0.5);
    expect(Array.from(decoded.trees.value)).toEqual([1.5, 0.25, -0.75]);
    expect(decoded.trees.missing[0]).toBe(decoded.trees.left[0]);
    expect(() => parseBooster(booster, 3, "stump")).toThrow(/splits on feature 3/);
  });
});

/** A gbtree with one split on `feature` (missing values go left) and two leaves. */
function oneStumpBooster(leftLeaf: number, feature: number): Uint8Array {
  const parts: number[] = [];
  const int = (value: number): void => {
    const view = new DataView(new ArrayBuffer(4));
    view.setInt32(0, value, true);
    parts.push(...new Uint8Array(view.buffer));
  };
  const float = (value: number): void => {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    parts.push(...new Uint8Array(view.buffer));
  };
  const text = (value: string): void => {
    int(value.length);
    int(0);
    parts.push(...new TextEncoder().encode(value));
  };
  float(0.5);
  int(1); // num_feature
  for (let index = 0; index < 32; index++) int(0); // num_class .. reserved
  text("reg:squarederror");
  text("gbtree");
  int(1); // num_trees
  for (let index = 0; index < 39; index++) int(0); // rest of the gbtree parameters
  int(1); // tree num_roots
  int(3); // num_nodes
  for (let index = 0; index < 35; index++) int(0);
  const node = (parent: number, left: number, right: number, split: number, value: number) => {
    [parent, left, right, split].forEach(int);
    float(value);
  };
  node(-1, 1, 2, feature | 0x80000000, 1.5);
  node(0, -1, -1, 0, leftLeaf);
  node(0, -1, -1, 0, -0.75);
  for (let index = 0; index < 12; index++) int(0); // node statistics
  int(0); // tree_info
  return Uint8Array.from(parts);
}
