import { defineTool } from "../contract.js";
import { detailsSchema, inputSchema } from "./schema.js";

export const validateMojoArtifact = defineTool({
  name: "validate_mojo_artifact",
  title: "MOJO artifact validator",
  description:
    "Checks an H2O MOJO (zip or folder) before it ships: integrity (every entry CRC-valid, " +
    "domains consistent, trees decodable), format version against what the runtime reads, " +
    "predictions against a PredictCsv output (`rows` + `expected`), scoring latency p50/p99 " +
    "and rows/s measured in a native runtime, memory once loaded, POJO risk (javac's 64 KB " +
    "method limit, with `pojo`), and the model's features against a PostgreSQL feature store " +
    "(`postgres_url` + `table`, optionally `jsonb_column`): missing features, wrong types, " +
    "categorical levels the model never saw. Reads only; the store is sampled in a read-only " +
    "transaction. Takes about a second plus the store queries.",
  intent: "read-only",
  openWorld: true,
  inputSchema,
  detailsSchema,
  defaultTimeoutMs: 120_000,
  run: async (input, context) => {
    const { runValidateMojo } = await import("./run.js");
    return runValidateMojo(input, context);
  },
});
