import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeTree,
  demoChurnModel,
  encodeTree,
  levelSplit,
  mojoZip,
  numericSplit,
  writeDemoMojo,
  writeModelIni,
  type GlmModelSpec,
  type TreeModelSpec,
} from "../../fixtures/mojo-writer/index.js";
import {
  loadMojo,
  loadMojoFromSource,
  mojoSourceFromBytes,
  openMojo,
} from "../../src/mojo/index.js";
import { parseModelIni } from "../../src/mojo/ini.js";

const here = dirname(fileURLToPath(import.meta.url));
const sharedMojos = resolve(here, "../../../shared/fixtures/h2o-mojo");
const haveShared = existsSync(sharedMojos);
const scratch = mkdtempSync(join(tmpdir(), "mojo-writer-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function score(spec: TreeModelSpec | GlmModelSpec, row: number[]): Float64Array {
  const model = loadMojoFromSource(mojoSourceFromBytes(mojoZip(spec), "written.zip"));
  return model.score(row, new Float64Array(model.predsSize));
}

describe("MOJO writer: models scored by the runtime match hand-computed outputs", () => {
  // Demo trees by hand (leaf sums + init_f -0.5), columns: tenure, charges, plan, region.
  const demoCases: [string, number[], number][] = [
    ["short tenure, basic plan, region in the large bitset", [5, 50, 0, 33], 0.6875],
    ["missing charges go right; region outside the bitset goes left", [24, NaN, 2, 5], -0.6875],
    ["missing tenure goes left; plus plan is not in the inline bitset", [NaN, 100, 1, 39], -0.3125],
    ["values equal to a threshold go right; missing levels go left", [12, 80.5, NaN, NaN], -0.1875],
    [
      "a level past the domain takes the NA direction",
      [5, 50, 7, 99],
      -0.25 + 0.125 - 0.0625 - 0.5,
    ],
  ];
  it.each(demoCases)("demo GBM: %s", (_, row, margin) => {
    const preds = score(demoChurnModel, row);
    const p1 = sigmoid(margin);
    expect(preds[2]).toBeCloseTo(p1, 12);
    expect(preds[1]).toBeCloseTo(1 - p1, 12);
    expect(preds[0]).toBe(p1 >= 0.5 ? 1 : 0);
  });

  it("scores the same tree identically at formats 1.20, 1.30 and 1.40", () => {
    const row = [24, NaN, 2, 5];
    const reference = score(demoChurnModel, row);
    for (const mojoVersion of ["1.20", "1.30"] as const) {
      expect(score({ ...demoChurnModel, mojoVersion }, row)).toEqual(reference);
    }
  });

  it("averages DRF regression trees", () => {
    const drf: TreeModelSpec = {
      algo: "drf",
      category: "Regression",
      features: [{ name: "x" }, { name: "y" }],
      response: { name: "target" },
      trees: [[numericSplit(0, 1.5, 10, 20), numericSplit(1, -2, 1, 3, "na-right")]],
    };
    expect(score(drf, [1, 0])[0]).toBe((10 + 3) / 2);
    expect(score(drf, [2, NaN])[0]).toBe((20 + 3) / 2);
    expect(score(drf, [NaN, -5])[0]).toBe((10 + 1) / 2);
  });

  it("scores a binomial GLM from its coefficients", () => {
    const glm: GlmModelSpec = {
      algo: "glm",
      category: "Binomial",
      family: "binomial",
      link: "logit",
      features: [
        { name: "age" },
        { name: "plan", levels: ["basic", "plus", "pro"] },
        { name: "charges" },
      ],
      response: { name: "churned", levels: ["no", "yes"] },
      categoricalBeta: [[0.4, -0.2]],
      numericBeta: [0.01, 0.02],
      intercept: -1,
      defaultThreshold: 0.3,
    };
    // Columns are written categoricals first: plan, age, charges.
    const pro = score(glm, [2, 40, 50]);
    expect(pro[2]).toBeCloseTo(sigmoid(-0.2 + 0.4 + 1 - 1), 14);
    expect(pro[0]).toBe(1);
    const basic = score(glm, [0, 0, 5]);
    expect(basic[2]).toBeCloseTo(sigmoid(0.1 - 1), 14);
    expect(basic[0]).toBe(0);
  });

  it("writes the demo MOJO to disk where the runtime loads it", () => {
    const path = writeDemoMojo(scratch);
    const model = loadMojo(path);
    expect(model.meta.features).toEqual(["tenure_months", "monthly_charges", "plan", "region"]);
    expect(model.meta.classLabels).toEqual(["no", "yes"]);
    expect(model.meta.treeCount).toBe(3);
  });

  it("writes the same bytes for the same description", () => {
    expect(mojoZip(demoChurnModel)).toEqual(mojoZip(demoChurnModel));
  });
});

describe("MOJO writer: tree encoding", () => {
  it("encodes a one-split tree in the documented layout", () => {
    const bytes = encodeTree(numericSplit(3, 1.5, -1, 2, "na-left"));
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(1 + 2 + 1 + 4 + 4 + 4);
    expect(view.getUint8(0)).toBe(0x30 | 0xc0);
    expect(view.getUint16(1, true)).toBe(3);
    expect(view.getUint8(3)).toBe(2);
    expect(view.getFloat32(4, true)).toBe(1.5);
    expect(view.getFloat32(8, true)).toBe(-1);
    expect(view.getFloat32(12, true)).toBe(2);
  });

  it("stores a left subtree's size in two bytes once it reaches 256", () => {
    let left: ReturnType<typeof numericSplit> | number = 0;
    for (let depth = 0; depth < 24; depth++) left = numericSplit(0, depth, left, depth);
    const bytes = encodeTree(numericSplit(1, 0, left, 1));
    expect(bytes[0]! & 0x03).toBe(1);
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(encodeTree(left).length);
    expect(decodeTree(bytes)).toEqual(numericSplit(1, 0, left, 1));
  });

  it("refuses a level outside the declared bitset", () => {
    expect(() => levelSplit(0, [3], 0, 1, { large: true, bitOffset: 5 })).toThrow(/outside/);
  });
});

const realTreeMojos = haveShared ? treeMojosAtLeast120() : [];

describe.skipIf(!haveShared)("MOJO writer against real H2O MOJOs (shared fixtures)", () => {
  it("re-encodes every decoded tree of the real 1.20-1.40 MOJOs byte for byte", () => {
    let trees = 0;
    const differing: string[] = [];
    for (const path of realTreeMojos) {
      const source = openMojo(path);
      for (const name of source.list().filter((entry) => /^trees\/t\d+_\d+\.bin$/.test(entry))) {
        const original = source.bytes(name);
        const reencoded = encodeTree(decodeTree(original));
        if (!Buffer.from(reencoded).equals(original)) differing.push(`${path} ${name}`);
        trees++;
      }
    }
    expect(differing).toEqual([]);
    expect(realTreeMojos.length).toBeGreaterThanOrEqual(30);
    expect(trees).toBeGreaterThan(1000);
  });

  it("writes back every real model.ini and domain file it parses, unchanged", () => {
    const paths = [...realTreeMojos, join(sharedMojos, "h2o-3/mojos/glm_prostate.zip")];
    for (const path of paths) {
      const source = openMojo(path);
      const written = writeModelIni(parseModelIni(source));
      expect(written.modelIni, path).toBe(source.text("model.ini"));
      for (const [file, text] of written.domainFiles) {
        expect(text, `${path} ${file}`).toBe(source.text(`domains/${file}`));
      }
    }
  });

  it("writes model.ini keys in the order and spelling of a real 1.40 GBM", () => {
    const real = parseModelIni(
      openMojo(join(sharedMojos, "mojoland/mojos/gbm/titanic/v1.40/gbm_v1.40_titanic.mojo")),
    );
    const ours = parseModelIni(mojoSourceFromBytes(mojoZip(demoChurnModel), "demo"));
    expect(Object.keys(ours.info)).toEqual(Object.keys(real.info));
  });
});

function treeMojosAtLeast120(): string[] {
  const found: string[] = [join(sharedMojos, "h2o-3/mojos/gbm_prostate.zip")];
  for (const algo of ["gbm", "drf"]) {
    const algoDir = join(sharedMojos, "mojoland/mojos", algo);
    for (const dataset of readdirSync(algoDir)) {
      for (const version of ["v1.20", "v1.30", "v1.40"]) {
        const dir = join(algoDir, dataset, version);
        if (!existsSync(dir)) continue;
        for (const file of readdirSync(dir)) {
          if (file.endsWith(".mojo")) found.push(join(dir, file));
        }
      }
    }
  }
  return found.filter((path) => readFileSync(path).length > 0);
}
