import type { InfoReader } from "./ini.js";
import { correctProbabilities, predictLabel } from "./prediction.js";
import { MojoError, type MojoMetadata } from "./types.js";

/** Turns raw per-class sums in preds into score0's output, in place. */
export type Finisher = (row: ArrayLike<number>, offset: number, preds: Float64Array) => void;

/** The `[info]` values every classifier's post-processing needs. */
export interface ClassifierSettings {
  nClasses: number;
  balanceClasses: boolean;
  priorClassDistrib: Float64Array | null;
  modelClassDistrib: Float64Array | null;
  defaultThreshold: number;
}

export function classifierSettings(info: InfoReader, meta: MojoMetadata): ClassifierSettings {
  const prior = info.numbers("prior_class_distrib");
  const model = info.numbers("model_class_distrib");
  const balanceClasses = info.boolean("balance_classes", false);
  if (balanceClasses && meta.nClasses > 1 && (prior === null || model === null)) {
    throw new MojoError(
      "corrupt",
      `${meta.algo} MOJO sets balance_classes but lacks prior_class_distrib or model_class_distrib`,
    );
  }
  return {
    nClasses: meta.nClasses,
    balanceClasses,
    priorClassDistrib: prior === null ? null : Float64Array.from(prior),
    modelClassDistrib: model === null ? null : Float64Array.from(model),
    defaultThreshold: info.number("default_threshold", 0.5),
  };
}

/** Balance-classes correction, then the label into preds[0]. */
export function finishClassifier(
  settings: ClassifierSettings,
  row: ArrayLike<number>,
  preds: Float64Array,
): void {
  const { nClasses, priorClassDistrib, modelClassDistrib } = settings;
  if (settings.balanceClasses) {
    correctProbabilities(preds, nClasses, priorClassDistrib!, modelClassDistrib!);
  }
  preds[0] = predictLabel(preds, nClasses, priorClassDistrib, row, settings.defaultThreshold);
}
