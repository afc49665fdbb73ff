import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { demoChurnModel, mojoZip } from "../../fixtures/mojo-writer/index.js";
import { loadMojo } from "../../src/mojo/index.js";

// The demo ships this MOJO, and the built CLI cannot run the TypeScript writer, so the zip is
// checked in. This test keeps it equal to what the writer makes of demoChurnModel; after a
// deliberate change to the model, rewrite it with UPDATE_FIXTURES=1.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const checkedIn = join(root, "fixtures", "mojos", "demo_churn_gbm.zip");

describe("the demo MOJO under fixtures/mojos", () => {
  it("is byte for byte what the writer makes of the demo churn model", () => {
    const written = mojoZip(demoChurnModel);
    if (process.env.UPDATE_FIXTURES === "1") {
      mkdirSync(dirname(checkedIn), { recursive: true });
      writeFileSync(checkedIn, written);
    }
    expect(existsSync(checkedIn), `${checkedIn} is missing; run with UPDATE_FIXTURES=1`).toBe(true);
    expect(Buffer.compare(readFileSync(checkedIn), Buffer.from(written))).toBe(0);
  });

  it("scores churn rows the way the tree description says", () => {
    const model = loadMojo(checkedIn);
    const preds = new Float64Array(model.predsSize);
    const churnProbability = (margin: number) => 1 / (1 + Math.exp(-margin));

    // Tenure 6 (< 12) goes left, plan basic (level 0) is in the right set: 0.75. Region r1 is
    // not in the large bitset, so left to NA-vs-rest, where the missing charge goes right:
    // -0.375. Then the stump -0.0625 and init_f -0.5.
    model.score([6, Number.NaN, 0, 1], preds);
    expect(preds[2]).toBeCloseTo(churnProbability(-0.5 + 0.75 - 0.375 - 0.0625), 12);
    expect(preds[0]).toBe(0);

    // Tenure 24 goes right, charges 100 >= 80.5 right: 0.25; region r33 is in the set: 0.5.
    model.score([24, 100, 1, 33], preds);
    expect(preds[2]).toBeCloseTo(churnProbability(-0.5 + 0.25 + 0.5 - 0.0625), 12);
    expect(preds[0]).toBe(1);
  });
});
