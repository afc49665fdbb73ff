import { statSync } from "node:fs";
import { parseModelIni } from "../../mojo/ini.js";
import { loadMojoFromSource } from "../../mojo/load.js";
import { maxSupportedMojoVersion, metadataFromIni, shortAlgoName } from "../../mojo/metadata.js";
import { openMojo } from "../../mojo/source.js";
import { MojoError } from "../../mojo/types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "../../mojo/types.js";
import { errorMessage } from "../../infra/errors.js";
import type { Finding } from "../../report/report.js";
import { codes } from "./codes.js";
import type { IntegrityCheck, ValidateMojoDetails } from "./schema.js";
import { measureTreeShape, type TreeShape } from "./tree-shape.js";

export interface Inspection {
  container: "zip" | "folder";
  fileBytes: number;
  source: MojoSource | null;
  ini: ModelIni | null;
  meta: MojoMetadata | null;
  model: MojoModel | null;
  shape: TreeShape | null;
  checks: IntegrityCheck[];
  version: ValidateMojoDetails["version"];
  findings: Finding[];
}

/**
 * Opens the MOJO the way the runtime will and records each integrity step as a named check.
 * A MOJO the runtime refuses becomes a finding, not an exception: the caller still gets a
 * report saying what is wrong with the artifact.
 */
export function inspectMojo(path: string): Inspection {
  const stats = statSync(path);
  const result: Inspection = {
    container: stats.isDirectory() ? "folder" : "zip",
    fileBytes: stats.isDirectory() ? 0 : stats.size,
    source: null,
    ini: null,
    meta: null,
    model: null,
    shape: null,
    checks: [],
    version: { mojo_version: null, runtime_max_version: null, supported: false, h2o_version: null },
    findings: [],
  };
  const check = (name: string, passed: boolean, detail: string) => {
    result.checks.push({ name, passed, detail });
    return passed;
  };

  try {
    result.source = openMojo(path);
  } catch (error) {
    check("archive readable", false, errorMessage(error));
    result.findings.push(damaged(path, errorMessage(error)));
    return result;
  }
  const source = result.source;
  if (result.container === "folder") result.fileBytes = folderBytes(source);
  check("archive readable", true, `${source.list().length} entries`);

  const unreadable = unreadableEntries(source);
  const entriesOk = check(
    "entries readable and CRC-valid",
    unreadable.length === 0,
    unreadable.length === 0 ? "every entry inflates and matches its CRC-32" : unreadable.join("; "),
  );
  if (!entriesOk) result.findings.push(damaged(path, unreadable.join("; ")));

  try {
    result.ini = parseModelIni(source);
    check("model.ini parses", true, `${result.ini.columns.length} columns`);
  } catch (error) {
    check("model.ini parses", false, errorMessage(error));
    result.findings.push(damaged(path, errorMessage(error)));
    return result;
  }
  const ini = result.ini;

  if (!checkVersion(ini, result, check)) return result;
  if (!entriesOk) return result;

  try {
    result.meta = metadataFromIni(ini, `${source.location}: model.ini`);
  } catch (error) {
    check("metadata consistent", false, errorMessage(error));
    result.findings.push(damaged(path, errorMessage(error)));
    return result;
  }
  checkDomains(result.meta, result, check);

  try {
    result.model = loadMojoFromSource(source);
    check("model decodes", true, `${result.meta.algo} scorer ready`);
  } catch (error) {
    check("model decodes", false, errorMessage(error));
    if (error instanceof MojoError && error.reason === "unsupported-algorithm") {
      result.findings.push({
        code: codes.unsupportedAlgorithm,
        severity: "high",
        title: `This runtime cannot score ${result.meta.algorithm} MOJOs`,
        detail:
          `${errorMessage(error)}. Integrity and schema checks ran; ` +
          "parity and latency did not.",
        evidence: { algorithm: result.meta.algorithm, mojo_version: result.meta.mojoVersion },
        fix: "Validate this model with h2o-genmodel's PredictCsv on the JVM instead.",
      });
    } else {
      result.findings.push(damaged(path, errorMessage(error)));
    }
    return result;
  }

  result.shape = measureTreeShape(source, ini, result.meta);
  return result;
}

function checkVersion(
  ini: ModelIni,
  result: Inspection,
  check: (name: string, passed: boolean, detail: string) => boolean,
): boolean {
  const algorithm = ini.info["algorithm"] ?? "unknown";
  const algo = shortAlgoName(algorithm);
  const mojoVersion = ini.info["mojo_version"] ?? null;
  const h2oVersion = ini.info["h2o_version"] ?? null;
  const maximum = maxSupportedMojoVersion(algo) ?? null;
  const supported =
    mojoVersion !== null && (maximum === null || Number(mojoVersion) <= Number(maximum));
  result.version = {
    mojo_version: mojoVersion,
    runtime_max_version: maximum,
    supported,
    h2o_version: h2oVersion,
  };
  const readable = maximum ?? "?";
  const detail = `${algo} format ${mojoVersion ?? "missing"}, runtime reads up to ${readable}`;
  if (check("format version supported", supported, detail)) {
    if (mojoVersion !== null && Number(mojoVersion) < 1.2 && ["gbm", "drf"].includes(algo)) {
      result.findings.push(legacyFormat(algo, mojoVersion, h2oVersion));
    }
    return true;
  }
  result.findings.push({
    code: codes.unsupportedVersion,
    severity: "critical",
    title: `MOJO format ${mojoVersion ?? "(missing)"} is newer than any reader knows`,
    detail:
      `model.ini declares ${algo} format ${mojoVersion ?? "(no mojo_version)"} written by H2O ` +
      `${h2oVersion ?? "unknown"}; this runtime, like h2o-genmodel 3.47, reads ${algo} ` +
      `formats up to ${maximum ?? "?"}. Its trees may mean something else, so nothing it ` +
      "predicts can be trusted; h2o-genmodel refuses it the same way.",
    evidence: {
      mojo_version: mojoVersion,
      runtime_max_version: maximum,
      h2o_version: h2oVersion,
    },
    fix:
      `Re-export the model from the H2O cluster that trained it (h2o.save_mojo / ` +
      `model.download_mojo) with an H2O release whose ${algo} writer emits format ` +
      `${maximum ?? "1.00"} or older (3.30 to 3.46 write GBM/DRF 1.40), and score it with ` +
      `h2o-genmodel from the same release or newer. If model.ini was edited by hand, restore it.`,
  });
  return false;
}

function checkDomains(
  meta: MojoMetadata,
  result: Inspection,
  check: (name: string, passed: boolean, detail: string) => boolean,
): void {
  const problems: string[] = [];
  const classifier = ["Binomial", "Multinomial", "Ordinal"].includes(meta.category);
  if (classifier && meta.classLabels?.length !== meta.nClasses) {
    problems.push(
      `response ${meta.responseColumn} has ${meta.classLabels?.length ?? 0} levels, ` +
        `n_classes = ${meta.nClasses}`,
    );
  }
  meta.domains.forEach((levels, column) => {
    if (levels !== null && new Set(levels).size !== levels.length) {
      problems.push(`column ${meta.columns[column]} repeats a level`);
    }
  });
  const declared = Number(meta.info["n_domains"] ?? NaN);
  const present = meta.domains.filter((levels) => levels !== null).length;
  if (!Number.isNaN(declared) && declared < present) {
    problems.push(`n_domains = ${declared} but ${present} domains are listed`);
  }
  const passed = problems.length === 0;
  check(
    "domains consistent",
    passed,
    passed ? `${present} categorical columns` : problems.join("; "),
  );
  if (passed) return;
  result.findings.push({
    code: codes.inconsistentDomains,
    severity: "high",
    title: "Categorical domains disagree with model.ini",
    detail: `${problems.join("; ")}. Level indices would map to the wrong categories.`,
    evidence: { problems: problems.length, declared_domains: declared, listed_domains: present },
    fix: "Re-export the MOJO from H2O; do not edit domains/ or model.ini by hand.",
  });
}

function unreadableEntries(source: MojoSource): string[] {
  const problems: string[] = [];
  for (const name of source.list()) {
    try {
      source.bytes(name);
    } catch (error) {
      problems.push(`${name}: ${errorMessage(error)}`);
    }
  }
  return problems;
}

function folderBytes(source: MojoSource): number {
  let total = 0;
  for (const name of source.list()) total += source.bytes(name).byteLength;
  return total;
}

function damaged(path: string, reason: string): Finding {
  return {
    code: codes.damaged,
    severity: "critical",
    title: "The MOJO is damaged or not a MOJO",
    detail: `${path}: ${reason}`,
    evidence: { path },
    fix: "Export the MOJO again from H2O and copy it byte for byte (binary mode, no re-zipping).",
  };
}

function legacyFormat(algo: string, mojoVersion: string, h2oVersion: string | null): Finding {
  return {
    code: codes.legacyFormat,
    severity: "low",
    title: `Tree format ${mojoVersion} routes unseen categorical levels the old way`,
    detail:
      `Format ${mojoVersion} (H2O ${h2oVersion ?? "unknown"}) predates 1.20: a level index ` +
      "outside a split's bitset is not sent the missing-value direction, so unseen " +
      "categories score differently from a model exported by a current H2O.",
    evidence: { algo, mojo_version: mojoVersion, h2o_version: h2oVersion },
    fix: "Re-export the model with a current H2O (format 1.40) if unseen levels reach it.",
  };
}
