import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMojo, scoreBatch, type MojoModel } from "../../src/mojo/index.js";
import {
  fixturesMissing,
  H2O3_ROOT,
  MOJOLAND_ROOT,
  mojolandRow,
  readDataset,
  SKIP_REASON,
} from "./fixtures.js";

const mojoland = (algo: string, version: string, dataset: string): string =>
  join(MOJOLAND_ROOT, `mojos/${algo}/${dataset}/v${version}/${algo}_v${version}_${dataset}.mojo`);

/** Every data set row, then rows with missing and out-of-domain values, as one flat array. */
function flatRows(model: MojoModel, datasetPath: string): Float64Array {
  const width = model.meta.nFeatures;
  const rows = readDataset(datasetPath).map((record) => mojolandRow(model.meta, record));
  rows.push(Float64Array.from({ length: width }, () => NaN));
  rows.push(Float64Array.from({ length: width }, (_unused, column) => 1000 + column));
  const flat = new Float64Array(rows.length * width);
  rows.forEach((row, index) => flat.set(row, index * width));
  return flat;
}

function oneByOne(model: MojoModel, flat: Float64Array, offsets: number[]): number[] {
  const width = model.meta.nFeatures;
  const out: number[] = [];
  for (let row = 0; row < offsets.length; row++) {
    const values = flat.slice(row * width, (row + 1) * width);
    out.push(...model.score(values, new Float64Array(model.predsSize), offsets[row]));
  }
  return out;
}

describe.skipIf(fixturesMissing)(`batch scoring of GBM, DRF and GLM (${SKIP_REASON})`, () => {
  const cases = [
    ["multinomial GBM, 1.40", mojoland("gbm", "1.40", "titanic"), "titanic"],
    ["GBM, format 1.10", mojoland("gbm", "1.10", "titanic"), "titanic"],
    ["DRF, 1.40", mojoland("drf", "1.40", "titanic"), "titanic"],
    ["binomial GBM", join(H2O3_ROOT, "mojos/gbm_prostate.zip"), "prostate"],
    ["binomial GLM", join(H2O3_ROOT, "mojos/glm_prostate.zip"), "prostate"],
  ] as const;

  for (const [label, mojoPath, dataset] of cases) {
    it(`${label}: scoreBatch over many blocks equals score row by row, bit for bit`, () => {
      const model = loadMojo(mojoPath);
      const datasetPath =
        dataset === "prostate"
          ? join(H2O3_ROOT, "data/prostate.csv")
          : join(MOJOLAND_ROOT, "datasets/titanic.csv");
      const flat = flatRows(model, datasetPath);
      const rowCount = flat.length / model.meta.nFeatures;
      expect(rowCount).toBeGreaterThan(300);
      const offsets = Array.from({ length: rowCount }, (_unused, row) => (row % 7) * 0.25);

      const batch = [...scoreBatch(model, flat, { offsets })];
      expect(batch).toEqual(oneByOne(model, flat, offsets));
    });
  }

  it("throws the error of the first bad row, as row-by-row scoring does", () => {
    const model = loadMojo(mojoland("gbm", "1.00", "titanic"));
    const flat = flatRows(model, join(MOJOLAND_ROOT, "datasets/titanic.csv"));
    const width = model.meta.nFeatures;
    // In one block: a rarely split column goes bad before the column most trees start with.
    flat[70 * width + model.meta.features.indexOf("embarked")] = -2;
    flat[80 * width + model.meta.features.indexOf("sex")] = -3;
    expect(() => scoreBatch(model, flat)).toThrow(/negative categorical level -2;/);
  });
});
