import type { InfoReader } from "../ini.js";
import { MojoError } from "../types.js";
import { finishClassifier, type ClassifierSettings, type Finisher } from "../classifier.js";

const DISTRIBUTIONS = new Set([
  "AUTO",
  "bernoulli",
  "quasibinomial",
  "modified_huber",
  "multinomial",
  "ordinal",
  "gaussian",
  "poisson",
  "gamma",
  "tweedie",
  "huber",
  "laplace",
  "quantile",
  "fractionalbinomial",
  "negativebinomial",
  "custom",
]);

const LINK_FUNCTIONS = new Set([
  "identity",
  "inverse",
  "log",
  "logit",
  "ologit",
  "ologlog",
  "oprobit",
  "tweedie",
]);

/** The link GBM assumes when model.ini (before format 1.40) does not name one. */
function defaultLink(distribution: string): string {
  switch (distribution) {
    case "bernoulli":
    case "fractionalbinomial":
    case "quasibinomial":
    case "modified_huber":
    case "ordinal":
      return "logit";
    case "multinomial":
    case "poisson":
    case "gamma":
    case "tweedie":
      return "log";
    default:
      return "identity";
  }
}

/** GBM's exp, capped so a runaway margin cannot overflow to Infinity. */
function cappedExp(x: number): number {
  return Math.min(1e19, Math.exp(x));
}

export function gbmLinkInverse(link: string): (f: number) => number {
  switch (link) {
    case "log":
      return cappedExp;
    case "logit":
    case "ologit":
      return (f) => 1 / (1 + cappedExp(-f));
    case "ologlog":
      return (f) => 1 - Math.exp(-1 * cappedExp(f));
    case "oprobit":
      return () => 0;
    case "inverse":
      // h2o clamps negative margins away from zero only; a zero margin gives Infinity.
      return (f) => 1.0 / (f < 0 ? Math.min(-1e-5, f) : Math.max(-1e-5, f));
    default:
      return (f) => f;
  }
}

export function gbmFinisher(info: InfoReader, settings: ClassifierSettings): Finisher {
  const distribution = info.string("distribution");
  if (!DISTRIBUTIONS.has(distribution)) {
    throw new MojoError("corrupt", `GBM MOJO names the unknown distribution "${distribution}"`);
  }
  const link = info.string("link_function", defaultLink(distribution));
  if (!LINK_FUNCTIONS.has(link)) {
    throw new MojoError("corrupt", `GBM MOJO names the unknown link function "${link}"`);
  }
  const linkInverse = gbmLinkInverse(link);
  const initF = info.number("init_f", 0);
  const nClasses = settings.nClasses;

  if (
    distribution === "bernoulli" ||
    distribution === "quasibinomial" ||
    distribution === "modified_huber"
  ) {
    return (row, offset, preds) => {
      const margin = preds[1]! + initF + offset;
      preds[2] = linkInverse(margin);
      preds[1] = 1.0 - preds[2];
      finishClassifier(settings, row, preds);
    };
  }
  if (distribution === "multinomial") {
    return (row, offset, preds) => {
      if (nClasses === 2) {
        // Binomial trained as multinomial keeps one tree per group; class 1 mirrors class 0.
        preds[1] = preds[1]! + initF + offset;
        preds[2] = -preds[1];
      }
      softmaxInPlace(preds, nClasses);
      finishClassifier(settings, row, preds);
    };
  }
  return (_row, offset, preds) => {
    const margin = preds[0]! + initF + offset;
    preds[0] = linkInverse(margin);
  };
}

/** preds[1..nClasses] from log-space to probabilities, subtracting the max first. */
export function softmaxInPlace(preds: Float64Array, nClasses: number): void {
  let max = -Infinity;
  for (let c = 1; c <= nClasses; c++) max = Math.max(max, preds[c]!);
  let sum = 0;
  for (let c = 1; c <= nClasses; c++) {
    preds[c] = Math.exp(preds[c]! - max);
    sum += preds[c]!;
  }
  for (let c = 1; c <= nClasses; c++) preds[c] = preds[c]! / sum;
}
