import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoChurnModel, writeMojo } from "../../fixtures/mojo-writer/index.js";
import { defaultConfig } from "../../src/infra/config.js";
import { silentLogger } from "../../src/infra/logger.js";
import type { Report } from "../../src/report/report.js";
import { invokeTool } from "../../src/server/invoke.js";
import { validateMojoArtifact } from "../../src/tools/validate_mojo_artifact/index.js";
import { estimateMethodSizes } from "../../src/tools/validate_mojo_artifact/pojo-estimate.js";
import { compileAndMeasure } from "../../src/tools/validate_mojo_artifact/pojo-javac.js";
import type { ValidateMojoDetails } from "../../src/tools/validate_mojo_artifact/schema.js";
import { H2O3_ROOT, SKIP_REASON, fixturesMissing } from "../mojo/fixtures.js";

const scratch = mkdtempSync(join(tmpdir(), "validate-mojo-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const quick = { latency_rows: 200, warmup_rows: 200 };

async function validate(input: Record<string, unknown>) {
  const outcome = await invokeTool(validateMojoArtifact, input, {
    config: defaultConfig(),
    log: silentLogger,
  });
  return outcome;
}

async function report(input: Record<string, unknown>): Promise<Report<ValidateMojoDetails>> {
  const outcome = await validate({ ...quick, ...input });
  if (!outcome.ok) throw new Error(`expected a report, got ${outcome.kind}: ${outcome.message}`);
  return outcome.report as Report<ValidateMojoDetails>;
}

const codesOf = (result: Report) => result.findings.map((finding) => finding.code);

describe("validate_mojo_artifact on MOJOs written by the project's writer", () => {
  const demoPath = writeMojo(join(scratch, "demo.zip"), demoChurnModel);

  it("passes a sound MOJO and reports its metadata, checks, latency and memory", async () => {
    const result = await report({ path: demoPath });
    expect(result.status).toBe("pass");
    const details = result.details;
    expect(details.metadata).toMatchObject({
      algo: "gbm",
      category: "Binomial",
      mojo_version: "1.40",
      trees: 3,
      max_tree_depth: 2,
      classes: ["no", "yes"],
    });
    expect(details.checks.every((check) => check.passed)).toBe(true);
    expect(details.checks.map((check) => check.name)).toContain("entries readable and CRC-valid");
    expect(details.latency?.sample).toBe("synthetic");
    expect(details.latency?.p99_us).toBeGreaterThan(0);
    expect(result.metrics["rows_per_second"]).toBeGreaterThan(0);
    expect(details.memory?.retained_bytes).toBeGreaterThan(0);
    expect(details.pojo.measured_by).toBe("model-shape");
    expect(details.version).toEqual({
      mojo_version: "1.40",
      runtime_max_version: "1.40",
      supported: true,
      h2o_version: "3.46.0.1",
    });
  });

  it("reports a forged format version as a critical finding, not an error", async () => {
    const forged = writeMojo(join(scratch, "forged.zip"), {
      ...demoChurnModel,
      extraInfo: { mojo_version: "2.00" },
    });
    const result = await report({ path: forged });
    expect(result.status).toBe("fail");
    const finding = result.findings.find((entry) => entry.code === "MOJO001");
    expect(finding?.severity).toBe("critical");
    expect(finding?.evidence).toMatchObject({ mojo_version: "2.00", runtime_max_version: "1.40" });
    expect(result.details.metadata).toBeNull();
    expect(result.details.latency).toBeNull();
  });

  it("reports a flipped byte inside a tree as a damaged MOJO", async () => {
    const bytes = readFileSync(demoPath);
    const damagedPath = join(scratch, "damaged.zip");
    // The demo zip stores entries deflated; flip a byte in the middle of the first entry's data.
    const copy = Buffer.from(bytes);
    copy[60] = copy[60]! ^ 0xff;
    writeFileSync(damagedPath, copy);
    const result = await report({ path: damagedPath });
    expect(codesOf(result)).toContain("MOJO002");
    expect(result.status).toBe("fail");
  });

  it("names `path` when the MOJO does not exist", async () => {
    const outcome = await validate({ path: join(scratch, "nowhere.zip") });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.kind).toBe("input");
      expect(outcome.message).toMatch(/^path: no MOJO at .*nowhere\.zip/);
    }
  });

  it("names `rows` when `expected` comes without it", async () => {
    const outcome = await validate({ path: demoPath, expected: demoPath });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.message).toMatch(/^rows: /);
  });
});

describe("validate_mojo_artifact on a POJO", () => {
  it("measures a standalone POJO over the 64 KB method limit with javac", async () => {
    const pojoPath = join(scratch, "HugePojo.java");
    writeFileSync(pojoPath, hugeTreePojo("HugePojo", 11));
    const result = await report({
      path: writeMojo(join(scratch, "p.zip"), demoChurnModel),
      pojo: pojoPath,
    });
    const finding = result.findings.find((entry) => entry.code === "MOJO010");
    expect(finding?.severity).toBe("high");
    expect(result.details.pojo).toMatchObject({ given: true, measured_by: "javac" });
    expect(result.details.pojo.largest_method).toBe("score0");
  });

  it("measures a POJO under the limit from its class files", async () => {
    const pojoPath = join(scratch, "SmallPojo.java");
    writeFileSync(pojoPath, hugeTreePojo("SmallPojo", 6));
    const result = await report({
      path: writeMojo(join(scratch, "q.zip"), demoChurnModel),
      pojo: pojoPath,
    });
    expect(codesOf(result)).not.toContain("MOJO010");
    expect(result.details.pojo.measured_by).toBe("javac");
    expect(result.details.pojo.largest_method).toBe("SmallPojo.score0");
    expect(result.details.pojo.largest_method_bytes).toBeGreaterThan(500);
    expect(result.details.pojo.largest_method_bytes).toBeLessThan(65_535);
  });

  it("estimates a POJO that needs h2o-genmodel to compile, and says so", async () => {
    const pojoPath = join(scratch, "GenModelPojo.java");
    writeFileSync(pojoPath, `import hex.genmodel.GenModel;\n${hugeTreePojo("GenModelPojo", 11)}`);
    const result = await report({
      path: writeMojo(join(scratch, "r.zip"), demoChurnModel),
      pojo: pojoPath,
    });
    expect(result.details.pojo.measured_by).toBe("estimate");
    expect(result.details.pojo.note).toMatch(/estimated/);
    expect(codesOf(result)).toContain("MOJO010");
  });
});

describe("POJO size estimate", () => {
  it("lands within 25% of javac's bytecode size for a tree method", async () => {
    const source = hugeTreePojo("EstimatePojo", 9);
    const compiled = await compileAndMeasure(
      source,
      "EstimatePojo.java",
      new AbortController().signal,
    );
    expect(compiled.kind).toBe("compiled");
    if (compiled.kind !== "compiled") return;
    const measured = compiled.methods.find((method) => method.method === "score0")!.codeBytes;
    const estimated = estimateMethodSizes(source).find((method) => method.method === "score0")!;
    expect(estimated.className).toBe("EstimatePojo");
    expect(Math.abs(estimated.estimatedBytes - measured) / measured).toBeLessThan(0.25);
  });
});

describe.skipIf(fixturesMissing)(
  `validate_mojo_artifact on real H2O MOJOs (${SKIP_REASON})`,
  () => {
    const mojo = (name: string) => join(H2O3_ROOT, "mojos", name);
    const prostate = join(H2O3_ROOT, "data/prostate.csv");

    it("matches PredictCsv's output for gbm_prostate within 1e-9", async () => {
      const result = await report({
        path: mojo("gbm_prostate.zip"),
        rows: prostate,
        expected: join(H2O3_ROOT, "expected/gbm_prostate.prostate.csv"),
      });
      const parity = result.details.parity!;
      expect(parity.rows_compared).toBe(380);
      expect(parity.mismatched_values).toBe(0);
      expect(parity.mismatched_labels).toBe(0);
      expect(parity.max_abs_diff).toBeLessThan(1e-9);
      expect(result.details.latency?.sample).toBe("rows");
      expect(result.details.metadata?.trees).toBe(50);
      expect(codesOf(result)).not.toContain("MOJO004");
    });

    it("refuses mojo_modified_version.zip with a critical version finding", async () => {
      const result = await report({ path: mojo("mojo_modified_version.zip") });
      const finding = result.findings.find((entry) => entry.code === "MOJO001");
      expect(finding?.severity).toBe("critical");
      expect(finding?.evidence["mojo_version"]).toBe("9.99");
      expect(result.details.version.supported).toBe(false);
      expect(result.status).toBe("fail");
    });

    it("fails parity when the expected file belongs to another model", async () => {
      const result = await report({
        path: mojo("gbm_prostate.zip"),
        rows: prostate,
        expected: join(H2O3_ROOT, "expected/glm_prostate.prostate.csv"),
      });
      const finding = result.findings.find((entry) => entry.code === "MOJO004");
      expect(finding?.severity).toBe("high");
      expect(result.details.parity!.mismatched_values).toBeGreaterThan(100);
      expect(result.details.parity!.first_mismatches.length).toBe(10);
      expect(result.status).toBe("fail");
    });
  },
);

/** A POJO-shaped class with one tree method of nested ternaries, 2^depth leaves. */
function hugeTreePojo(className: string, depth: number): string {
  let counter = 0;
  const tree = (level: number): string => {
    counter++;
    if (level === 0) return `${((counter % 97) / 100).toFixed(2)}f`;
    const column = counter % 40;
    return (
      `(Double.isNaN(data[${column}]) || data[${column}] < ${counter}.5f ?\n` +
      ` ${tree(level - 1)} :\n ${tree(level - 1)})`
    );
  };
  return (
    `public class ${className} {\n  static final double score0(double[] data) {\n` +
    `    double pred = ${tree(depth)};\n    return pred;\n  }\n}\n`
  );
}

describe("validate_mojo_artifact under a cancel", () => {
  const demoPath = writeMojo(join(scratch, "cancel.zip"), demoChurnModel);

  it("stops timing as soon as the caller cancels, instead of finishing the pass", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    // Two million rows take seconds to score. Were the timing loop not yielding, the abort
    // could not even be delivered before it finished, and the call would come back as a report.
    const outcome = await invokeTool(
      validateMojoArtifact,
      { path: demoPath, latency_rows: 1_000_000, warmup_rows: 1_000_000 },
      { config: defaultConfig(), log: silentLogger, signal: controller.signal },
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.kind).toBe("cancelled");
  });
});
