import { MojoError } from "../types.js";

const fround = Math.fround;

/**
 * How an objective turns margins into predictions, in float32 like h2o's Java predictor
 * (each `(float)` cast there is a Math.fround here).
 */
export type Transform = "identity" | "logistic" | "softprob" | "softmax" | "exp";

/** Objectives the Java predictor knows, with H2O's own registrations for the exp family. */
const TRANSFORMS: Record<string, Transform> = {
  "rank:pairwise": "identity",
  "binary:logitraw": "identity",
  "reg:linear": "identity",
  "reg:squarederror": "identity",
  "binary:logistic": "logistic",
  "multi:softprob": "softprob",
  "multi:softmax": "softmax",
  "reg:gamma": "exp",
  "reg:tweedie": "exp",
  "count:poisson": "exp",
};

export function transformFor(objective: string, where: string): Transform {
  const transform = TRANSFORMS[objective];
  if (transform === undefined) {
    const known = Object.keys(TRANSFORMS).join(", ");
    throw new MojoError(
      "unsupported-algorithm",
      `${where}: XGBoost objective "${objective}" is not supported (known: ${known})`,
    );
  }
  return transform;
}

/**
 * The starting margin for a model saved by XGBoost >= 1.0, which stores base_score in
 * probability space. H2O's exp-family objectives keep the identity here, as its Java scorer does.
 */
export function baseMargin(transform: Transform, baseScore: number, majorVersion: number): number {
  if (majorVersion < 1) return baseScore;
  if (transform === "logistic") return fround(-Math.log(fround(fround(1 / baseScore) - 1)));
  return baseScore;
}

/** Applies the objective's transform to `margins[0 .. count)` in place; returns the count. */
export function applyTransform(transform: Transform, margins: Float32Array, count: number): number {
  switch (transform) {
    case "identity":
      return count;
    case "logistic":
      for (let index = 0; index < count; index++) {
        margins[index] = fround(1 / fround(1 + fround(Math.exp(-margins[index]!))));
      }
      return count;
    case "exp":
      margins[0] = fround(Math.exp(margins[0]!));
      return count;
    case "softprob":
      softprob(margins, count);
      return count;
    case "softmax": {
      let best = 0;
      for (let index = 1; index < count; index++) {
        if (margins[best]! < margins[index]!) best = index;
      }
      margins[0] = best;
      return 1;
    }
  }
}

function softprob(margins: Float32Array, count: number): void {
  let max = margins[0]!;
  for (let index = 1; index < count; index++) max = Math.max(margins[index]!, max);
  // Java sums the float exponentials in a double, then divides each float by the float sum.
  let sum = 0;
  for (let index = 0; index < count; index++) {
    const value = fround(Math.exp(fround(margins[index]! - max)));
    margins[index] = value;
    sum += value;
  }
  const floatSum = fround(sum);
  for (let index = 0; index < count; index++) margins[index] = margins[index]! / floatSum;
}
