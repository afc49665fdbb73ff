import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoChurnModel, writeMojo } from "../../fixtures/mojo-writer/index.js";
import { defaultConfig } from "../../src/infra/config.js";
import { silentLogger } from "../../src/infra/logger.js";
import type { Report } from "../../src/report/report.js";
import { invokeTool } from "../../src/server/invoke.js";
import { validateMojoArtifact } from "../../src/tools/validate_mojo_artifact/index.js";
import { withReadOnlySession } from "../../src/infra/postgres.js";
import type { ValidateMojoDetails } from "../../src/tools/validate_mojo_artifact/schema.js";

const pgUrl = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `vmo_${process.pid}_${Date.now().toString(36)}`;
const scratch = mkdtempSync(join(tmpdir(), "validate-mojo-pg-"));
const mojoPath = writeMojo(join(scratch, "churn.zip"), demoChurnModel);
const admin = new pg.Client({ connectionString: pgUrl });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  // region is missing, monthly_charges is numeric stored as text, "enterprise" is a new plan.
  await admin.query(`CREATE TABLE ${schema}.customer_features (
    customer_id int PRIMARY KEY, tenure_months double precision,
    monthly_charges text, plan text)`);
  await admin.query(`INSERT INTO ${schema}.customer_features VALUES
    (1, 3, '50.5', 'basic'), (2, 30, '80', 'pro'), (3, NULL, '99.9', 'enterprise')`);
  await admin.query(`CREATE TABLE ${schema}.customer_docs (customer_id int, features jsonb)`);
  await admin.query(`INSERT INTO ${schema}.customer_docs VALUES
    (1, '{"tenure_months": 3, "monthly_charges": "50.5", "plan": "basic"}'),
    (2, '{"tenure_months": 30, "monthly_charges": "80", "plan": "pro"}'),
    (3, '{"tenure_months": 12, "monthly_charges": "99.9", "plan": "enterprise"}')`);
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  rmSync(scratch, { recursive: true, force: true });
});

async function report(input: Record<string, unknown>): Promise<Report<ValidateMojoDetails>> {
  const outcome = await invokeTool(
    validateMojoArtifact,
    { path: mojoPath, latency_rows: 100, warmup_rows: 100, ...input },
    { config: defaultConfig(), log: silentLogger },
  );
  if (!outcome.ok) throw new Error(`${outcome.kind}: ${outcome.message}`);
  return outcome.report as Report<ValidateMojoDetails>;
}

function expectStoreFindings(result: Report<ValidateMojoDetails>) {
  const byCode = (code: string) => result.findings.filter((finding) => finding.code === code);
  expect(byCode("MOJO007").map((finding) => finding.evidence["feature"])).toEqual(["region"]);
  expect(byCode("MOJO008").map((finding) => finding.evidence["feature"])).toEqual([
    "monthly_charges",
  ]);
  const unseen = byCode("MOJO009");
  expect(unseen.map((finding) => finding.evidence["feature"])).toEqual(["plan"]);
  expect(unseen[0]!.detail).toContain('"enterprise"');
  expect(result.details.feature_store?.rows_sampled).toBe(3);
  expect(result.status).toBe("fail");
}

describe("validate_mojo_artifact against a PostgreSQL feature store", () => {
  it("finds the missing feature, the numeric stored as text and the unseen level", async () => {
    const result = await report({ postgres_url: pgUrl, table: `${schema}.customer_features` });
    expectStoreFindings(result);
    const columns = result.details.feature_store!.columns;
    expect(columns.find((column) => column.feature === "monthly_charges")).toMatchObject({
      store_type: "text",
      status: "type-mismatch",
    });
    const fix = result.findings.find((finding) => finding.code === "MOJO007")!.fix;
    expect(fix).toContain(`ALTER TABLE "${schema}"."customer_features" ADD COLUMN "region" text`);
  });

  it("finds the same problems among the keys of a JSONB feature column", async () => {
    const result = await report({
      postgres_url: pgUrl,
      table: `${schema}.customer_docs`,
      jsonb_column: "features",
    });
    expectStoreFindings(result);
    const charges = result.details.feature_store!.columns.find(
      (column) => column.feature === "monthly_charges",
    );
    expect(charges?.store_type).toBe("jsonb string");
  });

  it("leaves the store untouched: the check runs in a read-only transaction", async () => {
    await report({ postgres_url: pgUrl, table: `${schema}.customer_features` });
    const rows = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.customer_features`);
    expect(rows.rows[0].n).toBe(3);
  });

  it("names `table` when the table does not exist", async () => {
    const outcome = await invokeTool(
      validateMojoArtifact,
      { path: mojoPath, postgres_url: pgUrl, table: `${schema}.nope`, latency_rows: 10 },
      { config: defaultConfig(), log: silentLogger },
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.message).toMatch(/^table: no table or view/);
  });

  it("reports an unreachable store without its password", async () => {
    const outcome = await invokeTool(
      validateMojoArtifact,
      {
        path: mojoPath,
        postgres_url: "postgres://feature_reader:s3cret-pw@127.0.0.1:1/features",
        table: "customer_features",
        latency_rows: 10,
      },
      { config: defaultConfig(), log: silentLogger },
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.kind).toBe("unreachable");
      expect(outcome.message).toContain("127.0.0.1:1");
      expect(outcome.message).not.toContain("s3cret-pw");
    }
  });

  it("refuses writes inside its session", async () => {
    const attempt = withReadOnlySession(
      pgUrl,
      "test",
      { statementTimeoutMs: 5_000, signal: new AbortController().signal },
      (query) => query(`DELETE FROM ${schema}.customer_features`),
    );
    await expect(attempt).rejects.toThrow(/read-only transaction/);
  });

  it("refuses SQL that would commit the read-only transaction and write after it", async () => {
    const attempt = withReadOnlySession(
      pgUrl,
      "test",
      { statementTimeoutMs: 5_000, signal: new AbortController().signal },
      (query) => query(`COMMIT; DELETE FROM ${schema}.customer_features`),
    );
    await expect(attempt).rejects.toThrow(/multiple commands|prepared statement/);
    const remaining = await admin.query(
      `SELECT count(*)::int AS n FROM ${schema}.customer_features`,
    );
    expect(remaining.rows[0].n).toBeGreaterThan(0);
  });

  it("cancels its running statement on the server when aborted", async () => {
    const controller = new AbortController();
    const marker = `vmo_sleep_${schema}`;
    const running = withReadOnlySession(
      pgUrl,
      "test",
      { statementTimeoutMs: 60_000, signal: controller.signal },
      (query) => query(`SELECT pg_sleep(30), '${marker}'`),
    );
    const active = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity " +
            "WHERE query LIKE $1 AND pid <> pg_backend_pid()",
          [`%${marker}%`],
        )
      ).rows[0].n as number;
    while ((await active()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error("cancelled by test"));
    await expect(running).rejects.toThrow();
    let remaining = await active();
    for (let attempt = 0; attempt < 50 && remaining > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      remaining = await active();
    }
    expect(remaining).toBe(0);
  });
});
