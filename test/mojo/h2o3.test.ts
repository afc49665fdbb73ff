import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createRowEncoder, loadMojo, MojoError, type MojoModel } from "../../src/mojo/index.js";
import { fixturesMissing, H2O3_ROOT, parseJavaDouble, SKIP_REASON } from "./fixtures.js";

type Csv = Record<string, string>[];

function readCsv(path: string): Csv {
  return parse(readFileSync(path, "utf8"), { columns: true }) as Csv;
}

/** Where a PredictCsv output column lives in score0's array: predict, then one per class. */
function predsIndex(model: MojoModel, header: string): number {
  if (header === "predict") return 0;
  const labels = model.meta.classLabels ?? [];
  const classIndex = labels.findIndex((label) => header === label || header === `p${label}`);
  if (classIndex < 0) throw new Error(`no class for PredictCsv column ${header}`);
  return classIndex + 1;
}

const suiteName = fixturesMissing ? SKIP_REASON : "h2o-3 MOJOs scored like PredictCsv";

describe.skipIf(fixturesMissing)(suiteName, () => {
  const prostate = fixturesMissing ? [] : readCsv(join(H2O3_ROOT, "data/prostate.csv"));

  for (const name of ["gbm_prostate", "glm_prostate", "pipeline_glm"]) {
    it(`${name} agrees with PredictCsv on all 380 prostate rows`, () => {
      const model = loadMojo(join(H2O3_ROOT, "mojos", `${name}.zip`));
      const expected = readCsv(join(H2O3_ROOT, "expected", `${name}.prostate.csv`));
      expect(expected).toHaveLength(prostate.length);
      expect(prostate).toHaveLength(380);
      const encode = createRowEncoder(model.meta);
      const preds = new Float64Array(model.predsSize);
      let maxDifference = 0;

      prostate.forEach((record, rowIndex) => {
        model.score(encode(record), preds);
        for (const [header, text] of Object.entries(expected[rowIndex]!)) {
          const index = predsIndex(model, header);
          const where = `${name} row ${rowIndex} ${header}`;
          if (index === 0 && model.meta.classLabels) {
            expect(model.meta.classLabels[preds[0]!], where).toBe(text);
            continue;
          }
          const difference = Math.abs(preds[index]! - parseJavaDouble(text));
          expect(difference, where).toBeLessThanOrEqual(1e-9);
          maxDifference = Math.max(maxDifference, difference);
        }
      });
      console.log(
        `${name}: ${prostate.length} rows, max |difference| ${maxDifference.toExponential(2)}`,
      );
    });
  }

  it("refuses a MOJO whose format version is newer than the runtime", () => {
    const load = () => loadMojo(join(H2O3_ROOT, "mojos/mojo_modified_version.zip"));
    expect(load).toThrow(MojoError);
    expect(load).toThrow(/9\.99.*1\.40/);
    try {
      load();
    } catch (error) {
      expect((error as MojoError).reason).toBe("unsupported-version");
    }
  });
});
