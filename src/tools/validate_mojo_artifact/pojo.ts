import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { InputError } from "../../infra/errors.js";
import type { MojoMetadata } from "../../mojo/types.js";
import type { Finding } from "../../report/report.js";
import { codes } from "./codes.js";
import { estimateMethodSizes } from "./pojo-estimate.js";
import { compileAndMeasure } from "./pojo-javac.js";
import type { ValidateMojoDetails } from "./schema.js";
import type { TreeShape } from "./tree-shape.js";

export type PojoDetails = ValidateMojoDetails["pojo"];

/** The JVM's limit on one method's bytecode (the Code attribute's u2 offsets). */
export const METHOD_LIMIT_BYTES = 65_535;
/** H2O's POJO generator opens a new class every 1024 decision nodes of a tree... */
const POJO_NODES_PER_CLASS = 1024;
/** ...and tracks at most 70 levels of a tree, failing on deeper ones. */
const POJO_MAX_TREE_DEPTH = 70;
/** Past a few thousand generated classes javac takes minutes and metaspace grows by MBs. */
const MANY_CLASSES = 5000;

/**
 * Measures a POJO's largest method: with javac when the file compiles on its own (it fails
 * with "code too large" past the limit, which is itself the measurement), else by estimate.
 */
export async function analysePojo(
  pojoPath: string,
  signal: AbortSignal,
): Promise<{ details: PojoDetails; findings: Finding[] }> {
  let source: string;
  try {
    if (!(await stat(pojoPath)).isFile()) throw new Error("not a file");
    source = await readFile(pojoPath, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError("pojo", `cannot read ${pojoPath} (${reason}); give the .java file`);
  }
  const sourceBytes = Buffer.byteLength(source);
  const compiled = await compileAndMeasure(source, basename(pojoPath), signal);
  const base = { given: true, source_bytes: sourceBytes, method_limit_bytes: METHOD_LIMIT_BYTES };

  if (compiled.kind === "code-too-large") {
    const first = compiled.methods[0]!;
    const details: PojoDetails = {
      ...base,
      measured_by: "javac",
      largest_method: first.method,
      largest_method_bytes: null,
      methods_over_limit: compiled.methods.length,
      note: `javac refused ${compiled.methods.length} method(s) with "code too large"`,
    };
    return {
      details,
      findings: [overLimit(details, `javac reports "code too large" at line ${first.line}`)],
    };
  }

  let largest: { name: string; bytes: number } | null = null;
  let overCount = 0;
  let measuredBy: PojoDetails["measured_by"];
  let note: string;
  if (compiled.kind === "compiled") {
    measuredBy = "javac";
    note = `compiled with javac; ${compiled.methods.length} methods measured from class files`;
    for (const method of compiled.methods) {
      if (method.codeBytes > METHOD_LIMIT_BYTES) overCount++;
      if (!largest || method.codeBytes > largest.bytes) {
        largest = { name: `${method.className}.${method.method}`, bytes: method.codeBytes };
      }
    }
  } else {
    measuredBy = "estimate";
    note =
      `estimated from the source, not compiled (${compiled.reason}); ` +
      "expect roughly ±25% against javac";
    for (const method of estimateMethodSizes(source)) {
      if (method.estimatedBytes > METHOD_LIMIT_BYTES) overCount++;
      if (!largest || method.estimatedBytes > largest.bytes) {
        largest = { name: `${method.className}.${method.method}`, bytes: method.estimatedBytes };
      }
    }
  }
  const details: PojoDetails = {
    ...base,
    measured_by: measuredBy,
    largest_method: largest?.name ?? null,
    largest_method_bytes: largest?.bytes ?? null,
    methods_over_limit: overCount,
    note,
  };
  const findings =
    overCount > 0
      ? [overLimit(details, `${measuredBy === "javac" ? "measured" : "estimated"}`)]
      : [];
  return { details, findings };
}

function overLimit(details: PojoDetails, how: string): Finding {
  return {
    code: codes.pojoMethodTooLarge,
    severity: "high",
    title:
      `The POJO's ${details.largest_method ?? "largest method"} is over ` +
      "javac's 64 KB method limit",
    detail:
      `${details.methods_over_limit} method(s) exceed ${METHOD_LIMIT_BYTES} bytes of bytecode ` +
      `(${how}); the POJO cannot be compiled, so it cannot be deployed as it is.`,
    evidence: {
      largest_method_bytes: details.largest_method_bytes,
      method_limit_bytes: METHOD_LIMIT_BYTES,
      methods_over_limit: details.methods_over_limit,
      measured_by: details.measured_by,
    },
    fix:
      "Deploy the MOJO instead (h2o-genmodel's MojoModel.load, or this runtime); a MOJO has " +
      "no method size limit and loads faster than compiling the POJO.",
  };
}

/** Without a POJO: what H2O's generator would produce for this model's trees. */
export function pojoRiskFromShape(
  meta: MojoMetadata,
  shape: TreeShape | null,
): { details: PojoDetails; findings: Finding[] } {
  const none: PojoDetails = {
    given: false,
    measured_by: "none",
    source_bytes: null,
    largest_method: null,
    largest_method_bytes: null,
    method_limit_bytes: METHOD_LIMIT_BYTES,
    methods_over_limit: 0,
    note: `no POJO given; ${meta.algo} models are not stored as H2O trees, nothing to project`,
  };
  if (shape === null) return { details: none, findings: [] };

  const classesPerTree = Math.max(1, Math.ceil(shape.maxNodesPerTree / POJO_NODES_PER_CLASS));
  const estimatedClasses = shape.trees * classesPerTree;
  const tooDeep = shape.maxDepth > POJO_MAX_TREE_DEPTH;
  const details: PojoDetails = {
    ...none,
    measured_by: "model-shape",
    note:
      `no POJO given; H2O would generate about ${estimatedClasses} classes ` +
      `(${shape.trees} trees, up to ${shape.maxNodesPerTree} decision nodes and depth ` +
      `${shape.maxDepth} per tree)`,
  };
  if (!tooDeep && estimatedClasses < MANY_CLASSES) return { details, findings: [] };
  const reasons = [
    tooDeep
      ? `trees reach depth ${shape.maxDepth}, past the ${POJO_MAX_TREE_DEPTH} levels ` +
        "H2O's POJO generator can follow, so the export fails"
      : "",
    estimatedClasses >= MANY_CLASSES
      ? `about ${estimatedClasses} generated classes make ` +
        "javac slow and load megabytes into metaspace"
      : "",
  ].filter(Boolean);
  return {
    details,
    findings: [
      {
        code: codes.pojoRisk,
        severity: tooDeep ? "medium" : "low",
        title: "A POJO of this model would be fragile; keep the MOJO",
        detail: `${reasons.join("; ")}.`,
        evidence: {
          trees: shape.trees,
          max_depth: shape.maxDepth,
          max_nodes_per_tree: shape.maxNodesPerTree,
          estimated_classes: estimatedClasses,
        },
        fix: "Serve the MOJO (h2o-genmodel MojoModel.load or this runtime), not a POJO.",
      },
    ],
  };
}
