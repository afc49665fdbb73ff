import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { loadMojo, MojoError, openMojo, rowFromRecord, scoreBatch } from "../../src/mojo/index.js";
import { JavaRandom, predictLabel } from "../../src/mojo/prediction.js";
import { gbmLinkInverse } from "../../src/mojo/tree/gbm.js";
import { fixturesMissing, MOJOLAND_ROOT, SKIP_REASON } from "./fixtures.js";

const IRIS_GBM = join(MOJOLAND_ROOT, "mojos/gbm/iris/v1.40/gbm_v1.40_iris.mojo");
const TITANIC_DRF = join(MOJOLAND_ROOT, "mojos/drf/titanic/v1.40/drf_v1.40_titanic.mojo");

describe("multinomial label ties", () => {
  it("draws the same doubles as java.util.Random", () => {
    expect(new JavaRandom(0n).nextDouble()).toBe(0.730967787376657);
    expect(new JavaRandom(42n).nextDouble()).toBe(0.7275636800328681);
  });

  it("keeps the unique arg-max and breaks a tie towards a class with prior mass", () => {
    const priors = Float64Array.from([0, 0.5, 0.5]);
    expect(predictLabel(Float64Array.from([0, 0.2, 0.5, 0.3]), 3, priors, [1, 2], 0.5)).toBe(1);
    // Class 0 is a candidate in Java's tie list even when it lost; with no prior it never wins.
    const tied = Float64Array.from([0, 0.2, 0.4, 0.4]);
    for (const row of [[1], [2], [3.5], [NaN]]) {
      expect([1, 2]).toContain(predictLabel(tied, 3, priors, row, 0.5));
    }
  });
});

describe("GBM inverse links", () => {
  it("follow h2o-genmodel, including its capped exp and the inverse link's clamp", () => {
    expect(gbmLinkInverse("logit")(0)).toBe(0.5);
    expect(gbmLinkInverse("log")(1000)).toBe(1e19);
    expect(gbmLinkInverse("ologlog")(0)).toBeCloseTo(1 - Math.exp(-1), 15);
    expect(gbmLinkInverse("inverse")(-1e-9)).toBe(1 / -1e-5);
    expect(gbmLinkInverse("inverse")(0)).toBe(Infinity);
    expect(gbmLinkInverse("oprobit")(3)).toBe(0);
    expect(gbmLinkInverse("identity")(-2.5)).toBe(-2.5);
  });
});

const suiteName = fixturesMissing ? SKIP_REASON : "MOJO library entry points";

describe.skipIf(fixturesMissing)(suiteName, () => {
  const scratch = mkdtempSync(join(tmpdir(), "mojo-folder-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("describes a GBM from model.ini", () => {
    const { meta, predsSize } = loadMojo(IRIS_GBM);
    expect(meta).toMatchObject({
      algorithm: "Gradient Boosting Machine",
      algo: "gbm",
      category: "Multinomial",
      mojoVersion: "1.40",
      nFeatures: 4,
      nClasses: 3,
      features: ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"],
      responseColumn: "Species",
      classLabels: ["Iris-setosa", "Iris-versicolor", "Iris-virginica"],
      offsetColumn: null,
      treeCount: 60,
    });
    expect(predsSize).toBe(4);
  });

  it("scores an unpacked folder exactly like its zip", () => {
    const folder = join(scratch, "iris");
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(IRIS_GBM)))) {
      if (name.endsWith("/")) continue;
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), bytes);
    }
    const fromZip = loadMojo(IRIS_GBM);
    const fromFolder = loadMojo(folder);
    expect(openMojo(folder).list().sort()).toEqual(openMojo(IRIS_GBM).list().sort());
    expect(openMojo(folder).sub("trees").has("t00_000.bin")).toBe(true);
    const row = [6.1, 2.8, 4.7, 1.2];
    expect(fromFolder.score(row, new Float64Array(4))).toEqual(
      fromZip.score(row, new Float64Array(4)),
    );
  });

  it("reports a path that does not exist as missing-file", () => {
    expect(() => loadMojo(join(scratch, "nothing.zip"))).toThrow(MojoError);
  });

  it("turns records into rows: levels to indices, unknown and missing spellings to NaN", () => {
    const { meta } = loadMojo(TITANIC_DRF);
    const sexColumn = meta.features.indexOf("sex");
    const ageColumn = meta.features.indexOf("age");
    const embarkedColumn = meta.features.indexOf("embarked");
    const row = rowFromRecord(meta, { sex: "male", age: "29.5", embarked: "X" });
    expect(row).toHaveLength(meta.nFeatures);
    expect(row[sexColumn]).toBe(meta.domains[sexColumn]!.indexOf("male"));
    expect(row[ageColumn]).toBe(29.5);
    expect(row[embarkedColumn]).toBeNaN();
    for (const missing of ["", "NA", "N/A", "-", null]) {
      expect(rowFromRecord(meta, { age: missing })[ageColumn]).toBeNaN();
    }
    expect(() => rowFromRecord(meta, { age: "old" })).toThrow(/age is numeric/);
  });

  it("scores a batch, flat or as rows, exactly like one row at a time", () => {
    const model = loadMojo(IRIS_GBM);
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.1, 2.8, 4.7, 1.2],
      [NaN, 3.0, 5.8, 2.2],
    ];
    const oneByOne = rows.flatMap((row, index) => [
      ...model.score(row, new Float64Array(4), index),
    ]);
    const offsets = [0, 1, 2];
    expect([...scoreBatch(model, rows, { offsets })]).toEqual(oneByOne);
    expect([...scoreBatch(model, Float64Array.from(rows.flat()), { offsets })]).toEqual(oneByOne);
    expect(() => scoreBatch(model, new Float64Array(5))).toThrow(MojoError);
  });
});
