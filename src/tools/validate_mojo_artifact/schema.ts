import { z } from "zod";

export const inputSchema = z.object({
  path: z.string().min(1).describe("The MOJO: an H2O-exported .zip, or its unpacked folder"),
  rows: z
    .string()
    .min(1)
    .optional()
    .describe("CSV of input rows with a header; columns are matched to features by name"),
  expected: z
    .string()
    .min(1)
    .optional()
    .describe("CSV of the Java predictions for `rows`, as h2o-genmodel's PredictCsv writes it"),
  tolerance: z
    .number()
    .positive()
    .max(1)
    .optional()
    .describe("Largest accepted absolute difference; default 1e-9, 1e-6 for XGBoost and DL"),
  postgres_url: z
    .string()
    .min(1)
    .optional()
    .describe("Feature store: a postgres target name from the config, or a URL"),
  table: z
    .string()
    .min(1)
    .optional()
    .describe("Feature table or view, optionally schema-qualified (`features.customer`)"),
  jsonb_column: z
    .string()
    .min(1)
    .optional()
    .describe("When features are keys of one JSONB column of `table`, that column"),
  sample_rows: z
    .number()
    .int()
    .min(10)
    .max(100_000)
    .default(1000)
    .describe("Rows of the feature table read to sample JSONB keys and categorical levels"),
  pojo: z
    .string()
    .min(1)
    .optional()
    .describe("A POJO (.java) exported for the same model, to check against javac's limits"),
  latency_rows: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(5000)
    .describe("Rows scored one at a time and timed, after the warm-up"),
  warmup_rows: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(5000)
    .describe("Rows scored before timing starts, so the JIT has compiled the scorer"),
  latency_budget_ms: z
    .number()
    .positive()
    .max(100)
    .default(10)
    .describe("p99 allowed per row for scoring alone; default 10% of the 100 ms objective"),
});

export type ValidateMojoInput = z.output<typeof inputSchema>;

const checkSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  detail: z.string(),
});
export type IntegrityCheck = z.infer<typeof checkSchema>;

const featureSchema = z.object({
  name: z.string(),
  type: z.enum(["numeric", "categorical"]),
  levels: z.number().int().describe("Number of categorical levels; 0 for numeric"),
});

export const detailsSchema = z.object({
  path: z.string(),
  container: z.enum(["zip", "folder"]),
  file_bytes: z.number(),
  metadata: z
    .object({
      algorithm: z.string(),
      algo: z.string(),
      category: z.string(),
      mojo_version: z.string(),
      h2o_version: z.string(),
      features: z.array(featureSchema),
      response: z.string().nullable(),
      classes: z.array(z.string()).nullable(),
      trees: z.number().int(),
      max_tree_depth: z.number().int().nullable(),
      decision_nodes: z.number().int().nullable(),
    })
    .nullable(),
  checks: z.array(checkSchema),
  version: z.object({
    mojo_version: z.string().nullable(),
    runtime_max_version: z.string().nullable(),
    supported: z.boolean(),
    h2o_version: z.string().nullable(),
  }),
  parity: z
    .object({
      rows_compared: z.number().int(),
      tolerance: z.number(),
      max_abs_diff: z.number(),
      mismatched_values: z.number().int(),
      mismatched_labels: z.number().int(),
      missing_features: z.array(z.string()),
      first_mismatches: z.array(
        z.object({
          row: z.number().int().describe("1-based data row of the CSV"),
          column: z.string(),
          expected: z.string(),
          actual: z.string(),
        }),
      ),
    })
    .nullable(),
  latency: z
    .object({
      sample: z.enum(["rows", "synthetic"]),
      timed_rows: z.number().int(),
      warmup_rows: z.number().int(),
      p50_us: z.number(),
      p99_us: z.number(),
      max_us: z.number(),
      rows_per_second: z.number().describe("Single-threaded, one row per call, untimed loop"),
      budget_ms: z.number(),
    })
    .nullable(),
  memory: z
    .object({
      retained_bytes: z.number().describe("The runtime's account of the decoded model"),
      heap_delta_bytes: z.number().nullable().describe("Heap growth after loading, GC forced"),
    })
    .nullable(),
  pojo: z.object({
    given: z.boolean(),
    measured_by: z.enum(["javac", "estimate", "model-shape", "none"]),
    source_bytes: z.number().nullable(),
    largest_method: z.string().nullable(),
    largest_method_bytes: z.number().nullable(),
    method_limit_bytes: z.number(),
    methods_over_limit: z.number().int(),
    note: z.string(),
  }),
  feature_store: z
    .object({
      target: z.string(),
      table: z.string(),
      jsonb_column: z.string().nullable(),
      rows_sampled: z.number().int(),
      columns: z.array(
        z.object({
          feature: z.string(),
          model_type: z.enum(["numeric", "categorical"]),
          store_type: z.string().nullable(),
          status: z.enum(["ok", "missing", "type-mismatch"]),
        }),
      ),
      unseen_levels: z.array(
        z.object({ feature: z.string(), levels: z.array(z.string()), truncated: z.boolean() }),
      ),
    })
    .nullable(),
});

export type ValidateMojoDetails = z.infer<typeof detailsSchema>;
