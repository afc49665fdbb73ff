import { InfoReader } from "./ini.js";
import { MojoError, type ModelIni, type MojoMetadata } from "./types.js";

/** model.ini `algorithm` (full name, as h2o-genmodel dispatches on it) to the short name. */
const SHORT_NAMES: Record<string, string> = {
  "Gradient Boosting Machine": "gbm",
  "Gradient Boosting Method": "gbm",
  "Distributed Random Forest": "drf",
  "Generalized Linear Modeling": "glm",
  "Generalized Linear Model": "glm",
  "Generalized Additive Model": "gam",
  "Deep Learning": "deeplearning",
  "deep learning": "deeplearning",
  XGBoost: "xgboost",
  "Stacked Ensemble": "stackedensemble",
  StackedEnsemble: "stackedensemble",
  "Isolation Forest": "isolationforest",
  "Extended Isolation Forest": "extendedisolationforest",
  "K-means": "kmeans",
  "Generalized Low Rank Modeling": "glrm",
  "Generalized Low Rank Model": "glrm",
  Word2Vec: "word2vec",
  "Principal Components Analysis": "pca",
  TargetEncoder: "targetencoder",
  "Cox Proportional Hazards": "coxph",
  RuleFit: "rulefit",
  "Isotonic Regression": "isotonicregression",
  "Uplift Distributed Random Forest": "upliftdrf",
};

/**
 * The newest format each h2o-genmodel reader (3.47) accepts; a MOJO claiming a newer one was
 * written by an H2O this runtime does not know, and its bytes may mean something else.
 */
const MAX_MOJO_VERSION: Record<string, string> = {
  gbm: "1.40",
  drf: "1.40",
  isolationforest: "1.40",
  upliftdrf: "1.40",
  deeplearning: "1.10",
  glrm: "1.10",
  xgboost: "1.10",
  stackedensemble: "1.01",
  glm: "1.00",
  gam: "1.00",
  extendedisolationforest: "1.00",
  kmeans: "1.00",
  word2vec: "1.00",
  pca: "1.00",
  targetencoder: "1.00",
  coxph: "1.00",
  rulefit: "1.00",
  isotonicregression: "1.00",
};

export function shortAlgoName(algorithm: string): string {
  return SHORT_NAMES[algorithm] ?? algorithm.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The newest format version this runtime reads for `algo`, or undefined when unknown. */
export function maxSupportedMojoVersion(algo: string): string | undefined {
  return MAX_MOJO_VERSION[algo];
}

export function metadataFromIni(ini: ModelIni, location = "model.ini"): MojoMetadata {
  const info = new InfoReader(ini.info, location);
  if (!info.has("algorithm")) {
    throw new MojoError("corrupt", `${location}: [info] does not name the model's algorithm`);
  }
  const algorithm = info.string("algorithm");
  const mojoVersion = info.string("mojo_version");
  checkSupportedVersion(shortAlgoName(algorithm), mojoVersion, location);

  const supervised = info.boolean("supervised", false);
  const nFeatures = info.integer("n_features");
  const nClasses = info.integer("n_classes", 1);
  if (nFeatures > ini.columns.length) {
    throw new MojoError(
      "corrupt",
      `${location}: n_features = ${nFeatures} exceeds the ${ini.columns.length} columns listed`,
    );
  }
  const responseIndex = supervised ? ini.columns.length - 1 : -1;
  const responseDomain = responseIndex >= 0 ? (ini.domains[responseIndex] ?? null) : null;
  return {
    algorithm,
    algo: info.string("algo", shortAlgoName(algorithm)),
    category: info.string("category", "Unknown"),
    mojoVersion,
    h2oVersion: info.string("h2o_version", "unknown"),
    nFeatures,
    nClasses,
    features: ini.columns.slice(0, nFeatures),
    columns: [...ini.columns],
    domains: ini.domains,
    responseColumn: responseIndex >= 0 ? ini.columns[responseIndex]! : null,
    classLabels: nClasses > 1 ? responseDomain : null,
    offsetColumn: info.has("offset_column") ? info.string("offset_column") : null,
    treeCount: treeCount(info, nClasses),
    info: ini.info,
  };
}

function checkSupportedVersion(algo: string, mojoVersion: string, location: string): void {
  const maximum = MAX_MOJO_VERSION[algo];
  // Unknown algorithms are refused later, by name, which says more than a version would.
  if (maximum === undefined) return;
  const version = Number(mojoVersion);
  if (Number.isNaN(version)) {
    throw new MojoError("corrupt", `${location}: mojo_version = "${mojoVersion}" is not a number`);
  }
  if (version > Number(maximum)) {
    throw new MojoError(
      "unsupported-version",
      `${location}: ${algo} MOJO format ${mojoVersion} is newer than the newest this runtime ` +
        `reads (${maximum}); export the model from an H2O that writes format ${maximum} or older`,
    );
  }
}

function treeCount(info: InfoReader, nClasses: number): number {
  if (info.has("n_trees")) {
    return info.integer("n_trees") * treesPerClass(info, nClasses);
  }
  if (info.has("ntrees")) return info.integer("ntrees") * (nClasses > 2 ? nClasses : 1);
  return 0;
}

/** Trees per group; very old MOJOs lack the key and imply it from the class count. */
export function treesPerClass(info: InfoReader, nClasses: number): number {
  if (info.has("n_trees_per_class")) return info.integer("n_trees_per_class");
  const doubleTrees = info.boolean("binomial_double_trees", false);
  return nClasses === 2 && !doubleTrees ? 1 : nClasses;
}
