import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMojoFromSource, mojoSourceFromBytes } from "../../src/mojo/index.js";
import {
  entryText,
  fixturesMissing,
  MOJOLAND_ROOT,
  reasonOf,
  rezipped,
  SKIP_REASON,
  textBytes,
} from "./fixtures.js";

const IRIS_GBM = join(MOJOLAND_ROOT, "mojos/gbm/iris/v1.40/gbm_v1.40_iris.mojo");
const TITANIC_GBM_100 = join(MOJOLAND_ROOT, "mojos/gbm/titanic/v1.00/gbm_v1.00_titanic.mojo");

function loadBytes(bytes: Uint8Array) {
  return loadMojoFromSource(mojoSourceFromBytes(bytes, "edited.zip"));
}

function editedIni(edit: (ini: string) => string): Uint8Array {
  return rezipped(IRIS_GBM, (entries) => {
    entries["model.ini"] = textBytes(edit(entryText(entries, "model.ini")));
  });
}

/** Offset of a local file header's data in a zip, found by the entry name after it. */
function entryDataOffset(zip: Uint8Array, name: string): number {
  const nameBytes = textBytes(name);
  for (let at = 0; at + 30 + nameBytes.length < zip.length; at++) {
    const isHeader = zip[at] === 0x50 && zip[at + 1] === 0x4b && zip[at + 2] === 3;
    if (!isHeader) continue;
    const nameLength = zip[at + 26]! | (zip[at + 27]! << 8);
    const extraLength = zip[at + 28]! | (zip[at + 29]! << 8);
    const found = zip.subarray(at + 30, at + 30 + nameLength);
    if (nameLength === nameBytes.length && found.every((byte, i) => byte === nameBytes[i])) {
      return at + 30 + nameLength + extraLength;
    }
  }
  throw new Error(`no local header for ${name}`);
}

const suiteName = fixturesMissing ? SKIP_REASON : "damaged MOJOs and bad rows are refused";

describe.skipIf(fixturesMissing)(suiteName, () => {
  it("reports a flipped byte inside a tree entry as corrupt, not as wrong numbers", () => {
    const zip = new Uint8Array(readFileSync(IRIS_GBM));
    const at = entryDataOffset(zip, "trees/t01_000.bin");
    zip[at + 10] = zip[at + 10]! ^ 0x40;
    expect(reasonOf(() => loadBytes(zip))).toBe("corrupt");
  });

  it("reports a zip cut in half as corrupt", () => {
    const zip = readFileSync(IRIS_GBM);
    expect(reasonOf(() => loadBytes(zip.subarray(0, zip.length >> 1)))).toBe("corrupt");
  });

  it("reports a truncated tree file as corrupt", () => {
    const zip = rezipped(IRIS_GBM, (entries) => {
      const tree = entries["trees/t01_000.bin"]!;
      entries["trees/t01_000.bin"] = tree.subarray(0, tree.length - 3);
    });
    expect(() => loadBytes(zip)).toThrow(/t01_000\.bin.*ends after/);
    expect(reasonOf(() => loadBytes(zip))).toBe("corrupt");
  });

  it("reports a tree file with trailing bytes as corrupt", () => {
    const zip = rezipped(IRIS_GBM, (entries) => {
      const tree = entries["trees/t00_001.bin"]!;
      entries["trees/t00_001.bin"] = Uint8Array.from([...tree, 0, 0]);
    });
    expect(reasonOf(() => loadBytes(zip))).toBe("corrupt");
  });

  it("reports a domain file with a different level count than model.ini as corrupt", () => {
    const zip = rezipped(IRIS_GBM, (entries) => {
      entries["domains/d000.txt"] = textBytes("setosa\nversicolor\n");
    });
    expect(() => loadBytes(zip)).toThrow(/2 levels, model.ini declares 3/);
  });

  it("reports n_columns that disagrees with [columns] as corrupt", () => {
    const zip = editedIni((ini) => ini.replace("n_columns = 5", "n_columns = 6"));
    expect(() => loadBytes(zip)).toThrow(/lists 5 columns but n_columns = 6/);
  });

  it("reports a MOJO without model.ini as missing-file", () => {
    const zip = rezipped(IRIS_GBM, (entries) => {
      delete entries["model.ini"];
    });
    expect(reasonOf(() => loadBytes(zip))).toBe("missing-file");
  });

  it("refuses an algorithm it cannot score and lists the ones it can", () => {
    const zip = editedIni((ini) =>
      ini.replace("algorithm = Gradient Boosting Machine", "algorithm = Naive Bayes"),
    );
    expect(reasonOf(() => loadBytes(zip))).toBe("unsupported-algorithm");
    expect(() => loadBytes(zip)).toThrow(/Naive Bayes.*gbm.*glm/);
  });

  it("refuses a GBM claiming format 1.50", () => {
    const zip = editedIni((ini) => ini.replace("mojo_version = 1.40", "mojo_version = 1.50"));
    expect(reasonOf(() => loadBytes(zip))).toBe("unsupported-version");
  });

  it("refuses rows with fewer values than features and prediction arrays too short", () => {
    const model = loadBytes(readFileSync(IRIS_GBM));
    expect(model.meta.nFeatures).toBe(4);
    const preds = new Float64Array(model.predsSize);
    expect(reasonOf(() => model.score([5.1, 3.5, 1.4], preds))).toBe("bad-row");
    expect(reasonOf(() => model.score([5.1, 3.5, 1.4, 0.2], new Float64Array(3)))).toBe("bad-row");
    expect(reasonOf(() => model.score([5.1, 3.5, 1.4, 0.2, 99], preds))).toBe("no error");
  });

  it("throws bad-row for a negative level in a format 1.00 categorical split, as Java does", () => {
    const model = loadBytes(readFileSync(TITANIC_GBM_100));
    const row = Array.from({ length: model.meta.nFeatures }, (_unused, x) => -x);
    const preds = new Float64Array(model.predsSize);
    expect(() => model.score(row, preds)).toThrow(/negative categorical level/);
  });
});
