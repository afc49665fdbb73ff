import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { demoChurnModel, mojoEntries, mojoZip } from "../../fixtures/mojo-writer/index.js";
import { loadMojoFromSource, mojoSourceFromBytes } from "../../src/mojo/index.js";
import { reasonOf } from "./fixtures.js";

// The same refusals as damaged.test.ts, on the project's own MOJO, so a fresh clone without
// H2O's reference MOJOs still proves them.

const load = (bytes: Uint8Array) => loadMojoFromSource(mojoSourceFromBytes(bytes, "edited.zip"));

function zipWith(edit: (entries: Map<string, Uint8Array>) => void): Uint8Array {
  const entries = mojoEntries(demoChurnModel);
  edit(entries);
  return zipSync(Object.fromEntries(entries), { level: 0 });
}

describe("damaged copies of the project's demo MOJO are refused", () => {
  it("loads the undamaged MOJO", () => {
    expect(reasonOf(() => load(mojoZip(demoChurnModel)))).toBe("no error");
  });

  it("refuses a zip with one flipped byte in a stored tree as corrupt (CRC mismatch)", () => {
    const bytes = zipWith(() => undefined);
    const tree = new TextEncoder().encode("trees/t00_000.bin");
    const at = bytes.findIndex((_, index) => tree.every((byte, k) => bytes[index + k] === byte));
    // The first local header names the entry; its data follows the 30-byte header and name.
    const damaged = bytes.slice();
    const dataStart = at + tree.length + 2;
    damaged[dataStart] = damaged[dataStart]! ^ 0xff;
    expect(reasonOf(() => load(damaged))).toBe("corrupt");
  });

  it("refuses a truncated tree file as corrupt, not as a smaller tree", () => {
    const bytes = zipWith((entries) => {
      const tree = entries.get("trees/t00_000.bin")!;
      entries.set("trees/t00_000.bin", tree.subarray(0, tree.length - 3));
    });
    expect(reasonOf(() => load(bytes))).toBe("corrupt");
  });

  it("refuses a missing domain file as missing", () => {
    const bytes = zipWith((entries) => entries.delete("domains/d000.txt"));
    expect(reasonOf(() => load(bytes))).toBe("missing-file");
  });

  it("refuses a row with fewer values than the model's features", () => {
    const model = load(mojoZip(demoChurnModel));
    const preds = new Float64Array(model.predsSize);
    expect(reasonOf(() => model.score([6, 50, 0], preds))).toBe("bad-row");
  });

  it("refuses a prediction array shorter than the model writes", () => {
    const model = load(mojoZip(demoChurnModel));
    expect(reasonOf(() => model.score([6, 50, 0, 1], new Float64Array(1)))).toBe("bad-row");
  });
});
