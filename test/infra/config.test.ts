import { describe, expect, it } from "vitest";
import { configSchema, resolveTarget, scrubSecrets, secretsOf } from "../../src/infra/config.js";
import { ToolError } from "../../src/infra/errors.js";

const configWith = (targets: Record<string, { url: string }>) => configSchema.parse({ targets });

describe("secrets in the config", () => {
  it("scrubs a password with quotes and backslashes from JSON text too", () => {
    const config = configWith({ store: { url: "postgres://u:p%22w%5Cx9@db:5432/f" } });
    const report = JSON.stringify({ detail: 'connected with p"w\\x9' });
    const scrubbed = scrubSecrets(report, secretsOf(config));
    expect(scrubbed).not.toContain('p\\"w');
    expect(JSON.parse(scrubbed)).toEqual({ detail: "connected with ***" });
  });

  it("keeps a password that is not valid percent-encoding, and token query parameters", () => {
    const config = configWith({
      a: { url: "postgres://u:ab%zz9@db/f" },
      b: { url: "postgres://db/f?password=hunter22" },
    });
    const secrets = secretsOf(config);
    expect(secrets).toContain("ab%zz9");
    expect(secrets).toContain("hunter22");
  });
});

describe("resolveTarget", () => {
  it("treats a name like `constructor` as an unknown target, not an inherited property", () => {
    const attempt = () => resolveTarget(configWith({}), "postgres", "constructor", "postgres_url");
    expect(attempt).toThrow(ToolError);
    expect(attempt).toThrow(/postgres_url: no target named `constructor`/);
  });

  it("refuses a Redis target where a PostgreSQL one is needed, naming the field", () => {
    const config = configWith({ cache: { url: "redis://127.0.0.1:6379" } });
    expect(() => resolveTarget(config, "postgres", "cache", "postgres_url")).toThrow(
      /postgres_url: target `cache` is a redis target/,
    );
  });
});
