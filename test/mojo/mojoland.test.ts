import { afterAll, describe, expect, it } from "vitest";
import { loadMojo, MojoError, type MojoModel } from "../../src/mojo/index.js";
import {
  fixturesMissing,
  irregularRows,
  mojolandModels,
  mojolandRow,
  readDataset,
  readScoreFile,
  SKIP_REASON,
  type MojolandModel,
  type ScoreLine,
} from "./fixtures.js";

const ABSOLUTE_TOLERANCE = 1e-9;

interface AlgoStats {
  rows: number;
  maxAbsDifference: number;
  irregularRows: number;
  javaThrew: number;
}

const stats = new Map<string, AlgoStats>();

function statsFor(algo: string): AlgoStats {
  let entry = stats.get(algo);
  if (!entry) {
    entry = { rows: 0, maxAbsDifference: 0, irregularRows: 0, javaThrew: 0 };
    stats.set(algo, entry);
  }
  return entry;
}

function isClassifier(model: MojoModel): boolean {
  return model.meta.nClasses > 1;
}

/**
 * Largest |ours - java| over one prediction; labels (index 0 of a classifier) must be equal.
 * `relative` widens the tolerance for the irregular rows, whose values reach 1e200.
 */
function compare(
  model: MojoModel,
  expected: number[],
  actual: Float64Array,
  where: string,
  relative = false,
): number {
  expect(actual.length, where).toBeGreaterThanOrEqual(expected.length);
  let largest = 0;
  expected.forEach((javaValue, index) => {
    const ours = actual[index]!;
    if (index === 0 && isClassifier(model)) {
      expect(ours, `${where}: label`).toBe(javaValue);
      return;
    }
    if (Number.isNaN(javaValue)) {
      expect(ours, `${where}[${index}]`).toBeNaN();
      return;
    }
    const difference = Math.abs(ours - javaValue);
    const allowed = ABSOLUTE_TOLERANCE * (relative ? Math.max(1, Math.abs(javaValue)) : 1);
    expect(difference, `${where}[${index}]: ours ${ours}, java ${javaValue}`).toBeLessThanOrEqual(
      allowed,
    );
    largest = Math.max(largest, difference);
  });
  return largest;
}

function expectValues(line: ScoreLine, where: string): number[] {
  if (!("values" in line)) throw new Error(`${where}: Java threw ${line.exception}`);
  return line.values;
}

function checkRegularScores(fixture: MojolandModel, model: MojoModel): void {
  const rows = readDataset(fixture.datasetPath).map((record) => mojolandRow(model.meta, record));
  const algoStats = statsFor(fixture.algo);
  const preds = new Float64Array(model.predsSize);
  for (const scoresIndex of [0, 1] as const) {
    const lines = readScoreFile(fixture.scoresPath(scoresIndex));
    expect(lines.length, `${fixture.name} scores${scoresIndex} line count`).toBe(rows.length);
    rows.forEach((row, index) => {
      const where = `${fixture.name} scores${scoresIndex} row ${index}`;
      const offset = scoresIndex === 1 ? index : 0;
      model.score(row, preds, offset);
      const difference = compare(model, expectValues(lines[index]!, where), preds, where);
      algoStats.maxAbsDifference = Math.max(algoStats.maxAbsDifference, difference);
      algoStats.rows++;
    });
  }
}

/**
 * scores2 holds the rows h2o-genmodel was never meant to get. Where Java returned numbers we
 * return the same numbers; where it threw (a row too short, a level that cannot be an index, a
 * prediction array too short) we throw MojoError("bad-row") instead of scoring garbage.
 */
function checkIrregularScores(fixture: MojolandModel, model: MojoModel): void {
  const lines = readScoreFile(fixture.scoresPath(2));
  const cases = irregularRows(model.meta.nFeatures);
  expect(lines.length, `${fixture.name} scores2 line count`).toBe(cases.length);
  const algoStats = statsFor(fixture.algo);
  cases.forEach((irregular, index) => {
    const where = `${fixture.name} scores2 row ${index} (${irregular.label})`;
    const line = lines[index]!;
    const preds = new Float64Array(irregular.predsLength ?? model.predsSize);
    algoStats.irregularRows++;
    if ("exception" in line) {
      algoStats.javaThrew++;
      let thrown: unknown;
      try {
        model.score(irregular.row, preds);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `${where}: Java threw ${line.exception}`).toBeInstanceOf(MojoError);
      expect((thrown as MojoError).reason, where).toBe("bad-row");
      return;
    }
    model.score(irregular.row, preds);
    compare(model, line.values, preds, where, true);
  });
}

const suiteName = fixturesMissing ? SKIP_REASON : "mojoland fixtures scored like h2o-genmodel";

describe.skipIf(fixturesMissing)(suiteName, () => {
  for (const algo of ["gbm", "drf", "glm"]) {
    describe(algo, () => {
      for (const fixture of mojolandModels(algo)) {
        it(`${fixture.name} matches scores0, scores1 and scores2`, () => {
          const model = loadMojo(fixture.mojoPath);
          expect(model.meta.algo).toBe(algo);
          expect(model.meta.mojoVersion).toBe(fixture.version);
          checkRegularScores(fixture, model);
          checkIrregularScores(fixture, model);
        });
      }
    });
  }

  it("finds every mojoland gbm, drf and glm model", () => {
    expect(mojolandModels("gbm")).toHaveLength(25);
    expect(mojolandModels("drf")).toHaveLength(25);
    expect(mojolandModels("glm")).toHaveLength(5);
  });

  afterAll(() => {
    for (const [algo, entry] of stats) {
      console.log(
        `mojoland ${algo}: ${entry.rows} rows compared, max |difference| ` +
          `${entry.maxAbsDifference.toExponential(2)}; ${entry.irregularRows} irregular rows, ` +
          `${entry.javaThrew} where Java threw`,
      );
    }
  });
});
