import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { load as parseYaml } from "js-yaml";
import { z } from "zod";
import { severitySchema } from "../report/report.js";
import { ToolError, errorMessage } from "./errors.js";

export const targetKinds = ["postgres", "redis", "http", "java"] as const;
export type TargetKind = (typeof targetKinds)[number];

const targetSchema = z
  .object({
    kind: z.enum(targetKinds).optional(),
    url: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
  })
  .strict()
  .refine((target) => target.url !== undefined || target.path !== undefined, {
    message: "a target needs `url` (postgres, redis, http) or `path` (java)",
  });

/** One entry of `checks:`: a tool and its input (inline, or a JSON/YAML file beside the config). */
export const checkSchema = z
  .object({
    tool: z.string().min(1),
    input: z.union([z.record(z.string(), z.unknown()), z.string().min(1)]).default({}),
    name: z.string().min(1).optional(),
  })
  .strict();
export type CheckConfig = z.infer<typeof checkSchema>;

export const configSchema = z
  .object({
    targets: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/i), targetSchema).default({}),
    read_only: z.boolean().default(false),
    allow_urls: z
      .boolean()
      .default(true)
      .describe("Let tools take connection URLs directly instead of target names"),
    http_allow_hosts: z.array(z.string()).default([]),
    defaults: z
      .object({
        timeout_ms: z.number().int().positive().max(3_600_000).optional(),
        fail_on: severitySchema.default("high"),
      })
      .strict()
      .default({ fail_on: "high" }),
    log_level: z.enum(["quiet", "info", "debug"]).default("quiet"),
    checks: z.array(checkSchema).default([]).describe("What `ml-optimizer check` runs, in order"),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type Target = Config["targets"][string];

export const defaultConfigFile = "ml-optimizer.yaml";

/**
 * Reads the config file (explicit path, else ./ml-optimizer.yaml when present), then applies the
 * environment: ML_OPTIMIZER_TARGET_<NAME>=<url> adds or replaces a target, and
 * ML_OPTIMIZER_READ_ONLY=1 forces read-only mode.
 */
export function loadConfig(
  options: { path?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.ML_OPTIMIZER_CONFIG;
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, defaultConfigFile);

  let raw: unknown = {};
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8");
    try {
      raw = text.trim() === "" ? {} : (parseYaml(text) ?? {});
    } catch (error) {
      const detail = errorMessage(error).split("\n")[0];
      throw new ToolError("input", `config ${path} is not valid YAML (${detail}); fix the file`);
    }
  } else if (explicit) {
    throw new ToolError("input", `config file ${path} does not exist; check --config`);
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new ToolError("input", `config ${path}: ${field}: ${issue.message}`);
  }
  const config = parsed.data;

  for (const [key, value] of Object.entries(env)) {
    const match = /^ML_OPTIMIZER_TARGET_([A-Z0-9_]+)$/.exec(key);
    if (match && value) config.targets[match[1]!.toLowerCase()] = { url: value };
  }
  if (env.ML_OPTIMIZER_READ_ONLY === "1" || env.ML_OPTIMIZER_READ_ONLY === "true") {
    config.read_only = true;
  }
  return config;
}

export function defaultConfig(): Config {
  return configSchema.parse({});
}

/**
 * Resolves a tool's connection argument: a target name from the config, or a URL when the
 * config allows them. The kind is checked so a Redis target never reaches the Postgres driver.
 */
export function resolveTarget(
  config: Config,
  kind: TargetKind,
  nameOrUrl: string,
  field: string,
): { name: string; url: string } {
  const named = Object.hasOwn(config.targets, nameOrUrl) ? config.targets[nameOrUrl] : undefined;
  if (named) {
    const url = named.url ?? named.path!;
    const actualKind = named.kind ?? kindOfUrl(url);
    if (actualKind !== kind) {
      throw new ToolError(
        "input",
        `${field}: target \`${nameOrUrl}\` is a ${actualKind ?? "unknown"} target; ` +
          `name a ${kind} target`,
      );
    }
    return { name: nameOrUrl, url };
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(nameOrUrl)) {
    const known = Object.keys(config.targets);
    throw new ToolError(
      "input",
      `${field}: no target named \`${nameOrUrl}\`` +
        (known.length ? ` (configured: ${known.join(", ")})` : " (no targets configured)") +
        "; add it to ml-optimizer.yaml or pass a URL",
    );
  }
  if (!config.allow_urls) {
    throw new ToolError("input", `${field}: this server takes target names only, not URLs`);
  }
  if (kindOfUrl(nameOrUrl) !== kind) {
    throw new ToolError("input", `${field}: expected a ${kind} URL, got ${redactUrl(nameOrUrl)}`);
  }
  return { name: redactUrl(nameOrUrl), url: nameOrUrl };
}

export function kindOfUrl(url: string): TargetKind | undefined {
  const scheme = url.split(":", 1)[0]!.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") return "postgres";
  if (scheme === "redis" || scheme === "rediss") return "redis";
  if (scheme === "http" || scheme === "https") return "http";
  if (!url.includes("://")) return "java";
  return undefined;
}

/** Removes the password (and any token-like query parameter) from a URL for display. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}

/** Every secret the config holds, so output can be scrubbed of them wherever it came from. */
export function secretsOf(config: Config): string[] {
  const secrets: string[] = [];
  for (const target of Object.values(config.targets)) {
    if (!target.url) continue;
    try {
      const parsed = new URL(target.url);
      const found = [parsed.password];
      for (const [key, value] of parsed.searchParams) {
        if (/pass|secret|token|key/i.test(key)) found.push(value);
      }
      for (const secret of found.filter(Boolean)) {
        secrets.push(secret);
        try {
          secrets.push(decodeURIComponent(secret));
        } catch {
          // Not valid percent-encoding: the raw form above is the one that can appear.
        }
      }
    } catch {
      // Not a URL: nothing to extract.
    }
  }
  // Reports are scrubbed as JSON text, where quotes and backslashes appear escaped.
  const withJsonForms = secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  return [...new Set(withJsonForms.filter((secret) => secret.length >= 3))];
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join("***");
  return scrubbed;
}
