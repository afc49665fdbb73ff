import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { z } from "zod";

type JsonSchemaConverter = StandardSchemaWithJSON["~standard"]["jsonSchema"];
type JsonSchemaOptions = Parameters<JsonSchemaConverter["input"]>[0];
type JsonSchema = ReturnType<JsonSchemaConverter["input"]>;

// The SDK converts every schema again on every tools/list, and the HTTP transport builds a server
// per request; a tool's schemas never change, so each is converted once per process.
const convertedSchemas = new WeakMap<z.ZodType, Map<string, JsonSchema>>();

function cachedJsonSchema(
  schema: z.ZodType,
  io: "input" | "output",
  options: JsonSchemaOptions,
): JsonSchema {
  let converted = convertedSchemas.get(schema);
  if (!converted) convertedSchemas.set(schema, (converted = new Map()));
  const key = `${io} ${JSON.stringify(options)}`;
  let json = converted.get(key);
  if (!json) converted.set(key, (json = schema["~standard"].jsonSchema[io](options)));
  return json;
}

function cachedConverter(schema: z.ZodType): JsonSchemaConverter {
  return {
    input: (options) => cachedJsonSchema(schema, "input", options),
    output: (options) => cachedJsonSchema(schema, "output", options),
  };
}

/**
 * Advertises the tool's input schema but lets every argument through to invokeTool, which
 * validates once for the server and the command line alike and names each bad field.
 */
export function advertisedOnly(schema: z.ZodObject): StandardSchemaWithJSON {
  return {
    "~standard": {
      version: 1,
      vendor: "ml-optimizer",
      validate: (value: unknown) => ({ value }),
      jsonSchema: cachedConverter(schema),
    },
  };
}

/** The report schema, still validated by zod on every call, converted to JSON Schema once. */
export function withCachedJsonSchema(schema: z.ZodType): StandardSchemaWithJSON {
  return { "~standard": { ...schema["~standard"], jsonSchema: cachedConverter(schema) } };
}
