/**
 * Loading a MOJO: open the container, parse model.ini, check the format version, and hand the
 * parts to the scorer registered for the algorithm.
 *
 * Scorers are registered by short algorithm name (`gbm`, `drf`, `glm`, `xgboost`,
 * `deeplearning`, `isolationforest`, `stackedensemble`, ...). The short name is derived from
 * model.ini's `algorithm` full name, the key h2o-genmodel itself dispatches on (aliases such as
 * "Gradient Boosting Method" are listed in metadata.ts). To add an algorithm, import its factory
 * here and add one line to SCORERS below; `registerScorer` does the same at run time.
 */
import { createDrfModel, createGbmModel } from "./tree/shared-tree.js";
import { createGlmModel } from "./glm.js";
import { createDeepLearningModel } from "./deeplearning.js";
import { createIsolationForestModel } from "./isolation-forest.js";
import { createStackedEnsembleModel } from "./stacked-ensemble.js";
import { createXgboostModel } from "./xgboost/model.js";
import { parseModelIni } from "./ini.js";
import { metadataFromIni, shortAlgoName } from "./metadata.js";
import { openMojo } from "./source.js";
import { MojoError } from "./types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "./types.js";

export type ScorerFactory = (source: MojoSource, ini: ModelIni, meta: MojoMetadata) => MojoModel;

/** Short algorithm name -> factory. Exported so scorers in sibling modules can be added. */
export const SCORERS = new Map<string, ScorerFactory>([
  ["gbm", createGbmModel],
  ["drf", createDrfModel],
  ["glm", createGlmModel],
  ["xgboost", createXgboostModel],
  ["deeplearning", createDeepLearningModel],
  ["isolationforest", createIsolationForestModel],
  ["stackedensemble", createStackedEnsembleModel],
]);

export function registerScorer(algo: string, factory: ScorerFactory): void {
  SCORERS.set(algo, factory);
}

/** Loads a MOJO zip file or unpacked folder, ready to score. */
export function loadMojo(path: string): MojoModel {
  return loadMojoFromSource(openMojo(path));
}

export function loadMojoFromSource(source: MojoSource): MojoModel {
  const ini = parseModelIni(source);
  const meta = metadataFromIni(ini, `${source.location}: model.ini`);
  const algo = shortAlgoName(meta.algorithm);
  const factory = SCORERS.get(algo);
  if (factory === undefined) {
    const supported = [...SCORERS.keys()].sort().join(", ");
    throw new MojoError(
      "unsupported-algorithm",
      `${source.location}: cannot score "${meta.algorithm}" (${algo}) MOJOs; ` +
        `this runtime scores: ${supported}`,
    );
  }
  return factory(source, ini, meta);
}
