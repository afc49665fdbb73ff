import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { javaDecimal, javaHex, outputColumns } from "../../src/mojo/csv.js";
import type { MojoMetadata } from "../../src/mojo/types.js";
import { ensureBuilt, h2oFixtures, repoRoot, runCli } from "./cli-helpers.js";

beforeAll(ensureBuilt, 240_000);

const workDir = mkdtempSync(join(tmpdir(), "mlo-commands-"));

describe.concurrent("skill", () => {
  it("prints SKILL.md as it is on disk", async () => {
    const result = await runCli(["skill"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(repoRoot, "SKILL.md"), "utf8"));
  });

  it("prints the frontmatter as one JSON document", async () => {
    const result = await runCli(["skill", "--json"]);
    expect(result.code).toBe(0);
    const frontmatter = JSON.parse(result.stdout) as { name: string; version: string };
    expect(frontmatter.name).toBeTruthy();
    expect(frontmatter.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("exits 2 naming the broken field", async () => {
    const original = readFileSync(join(repoRoot, "SKILL.md"), "utf8");
    const broken = original.replace(/^version: .*$/m, "version: [not, a, version]");
    expect(broken).not.toBe(original);
    const path = join(workDir, "SKILL.md");
    writeFileSync(path, broken);
    const result = await runCli(["skill", "--file", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("version");
    expect(result.stdout).toBe("");
  });
});

describe("Java number spelling", () => {
  it("writes decimals as Double.toString does", () => {
    expect(javaDecimal(100)).toBe("100.0");
    expect(javaDecimal(0.001)).toBe("0.001");
    expect(javaDecimal(1e-4)).toBe("1.0E-4");
    expect(javaDecimal(1234567)).toBe("1234567.0");
    expect(javaDecimal(1e7)).toBe("1.0E7");
    expect(javaDecimal(-0.0625)).toBe("-0.0625");
    expect(javaDecimal(1.5e300)).toBe("1.5E300");
    expect(javaDecimal(NaN)).toBe("NA");
  });

  it("writes hex floats as Double.toHexString does", () => {
    expect(javaHex(1)).toBe("0x1.0p0");
    expect(javaHex(3)).toBe("0x1.8p1");
    expect(javaHex(0.1)).toBe("0x1.999999999999ap-4");
    expect(javaHex(-2.5)).toBe("-0x1.4p1");
    expect(javaHex(5e-324)).toBe("0x0.0000000000001p-1022");
    expect(javaHex(0)).toBe("0x0.0p0");
  });

  it("names integer class labels p<label> and keeps other labels", () => {
    const meta = { category: "Binomial", classLabels: ["0", "1"] } as MojoMetadata;
    expect(outputColumns(meta)).toEqual(["predict", "p0", "p1"]);
    const named = { category: "Multinomial", classLabels: ["setosa", "virginica"] };
    expect(outputColumns(named as MojoMetadata)).toEqual(["predict", "setosa", "virginica"]);
  });
});

const prostate = join(h2oFixtures, "data", "prostate.csv");
const gbmProstate = join(h2oFixtures, "mojos", "gbm_prostate.zip");

function readNumbers(csv: string): { header: string; rows: number[][] } {
  const [header, ...lines] = csv.trim().split("\n");
  return { header: header!, rows: lines.map((line) => line.split(",").map(Number)) };
}

describe.skipIf(!existsSync(gbmProstate))("score (needs ../shared/fixtures)", () => {
  it("matches h2o-genmodel's PredictCsv on the prostate GBM within 1e-9", async () => {
    const output = join(workDir, "gbm_prostate.csv");
    const result = await runCli([
      "score",
      "--mojo",
      gbmProstate,
      "--input",
      prostate,
      "--output",
      output,
      "--decimal",
    ]);
    expect(result.code).toBe(0);
    const actual = readNumbers(readFileSync(output, "utf8"));
    const expected = readNumbers(
      readFileSync(join(h2oFixtures, "expected", "gbm_prostate.prostate.csv"), "utf8"),
    );
    expect(actual.header).toBe("predict,p0,p1");
    expect(actual.header).toBe(expected.header);
    expect(actual.rows).toHaveLength(380);
    let worst = 0;
    actual.rows.forEach((row, index) => {
      expect(row[0]).toBe(expected.rows[index]![0]);
      for (let column = 1; column < row.length; column++) {
        worst = Math.max(worst, Math.abs(row[column]! - expected.rows[index]![column]!));
      }
    });
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it("treats the NA spellings as missing and maps columns by header name", async () => {
    // Columns reordered, an extra column, and every missing spelling PredictCsv knows.
    const csv = [
      "GLEASON,PSA,extra,AGE,RACE,DPROS,DCAPS,VOL",
      "6,1.4,x,65,1,2,1,0",
      "NA,N/A,x,-,,2,1,0",
    ].join("\n");
    const input = join(workDir, "reordered.csv");
    writeFileSync(input, csv + "\n");
    const result = await runCli(["score", "-m", gbmProstate, "-i", input, "-o", "-", "--decimal"]);
    expect(result.code).toBe(0);
    const { rows } = readNumbers(result.stdout);
    const expected = readNumbers(
      readFileSync(join(h2oFixtures, "expected", "gbm_prostate.prostate.csv"), "utf8"),
    );
    // Row 1 of prostate.csv has the same values as the first row here.
    expect(Math.abs(rows[0]![1]! - expected.rows[0]![1]!)).toBeLessThanOrEqual(1e-9);
    expect(rows[1]!.every((value) => Number.isFinite(value))).toBe(true);
  });

  it("exits 2 for a MOJO whose format is newer than the runtime", async () => {
    const modified = join(h2oFixtures, "mojos", "mojo_modified_version.zip");
    const result = await runCli(["score", "-m", modified, "-i", prostate, "-o", "-"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("9.99");
  });
});

describe("demo", () => {
  it("runs the tools that need no setup and says what it skipped", async () => {
    const result = await runCli(["demo"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("== memory split: FastAPI + MOJO scoring in 4Gi");
    expect(result.stdout).toContain("suggest_tools:");
    expect(result.stdout).toMatch(
      /^Demo ran \d+ of \d+ tool runs\. (Skipped: .+|Nothing skipped)\.$/m,
    );
  });
});
