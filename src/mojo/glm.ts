import { InfoReader } from "./ini.js";
import type { BlockScorer } from "./block.js";
import { checkScoreArgs } from "./row.js";
import { javaInt } from "./tree/forest.js";
import { MojoError } from "./types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "./types.js";

const BINOMIAL_FAMILIES = new Set(["binomial", "quasibinomial", "fractionalbinomial"]);

interface GlmCoefficients {
  useAllFactorLevels: boolean;
  cats: number;
  catOffsets: Int32Array;
  nums: number;
  meanImputation: boolean;
  catModes: Float64Array;
  numMeans: Float64Array;
  beta: Float64Array;
}

export function createGlmModel(source: MojoSource, ini: ModelIni, meta: MojoMetadata): MojoModel {
  const where = `${source.location}: model.ini`;
  const info = new InfoReader(ini.info, where);
  const coefficients = readCoefficients(info, meta, where);
  const family = info.string("family");
  if (family === "multinomial") return new MultinomialGlm(meta, coefficients, false);
  if (family === "ordinal") return new MultinomialGlm(meta, coefficients, true);
  const link = info.string("link");
  const linkInverse = glmLinkInverse(link, info.number("tweedie_link_power", 0), where);
  return new SingleEtaGlm(meta, coefficients, BINOMIAL_FAMILIES.has(family), linkInverse, info);
}

function readCoefficients(info: InfoReader, meta: MojoMetadata, where: string): GlmCoefficients {
  const cats = info.integer("cats");
  const nums = info.integer("nums");
  const catOffsets = Int32Array.from(info.numbers("cat_offsets") ?? []);
  const beta = Float64Array.from(info.numbers("beta") ?? []);
  if (catOffsets.length !== cats + 1 || cats + nums > meta.nFeatures || beta.length === 0) {
    throw new MojoError(
      "corrupt",
      `${where}: GLM layout is inconsistent (cats = ${cats}, nums = ${nums}, ` +
        `${catOffsets.length} cat_offsets, ${beta.length} coefficients)`,
    );
  }
  const meanImputation = info.boolean("mean_imputation", false);
  return {
    useAllFactorLevels: info.boolean("use_all_factor_levels", false),
    cats,
    catOffsets,
    nums,
    meanImputation,
    catModes: Float64Array.from(info.numbers("cat_modes") ?? []),
    numMeans: Float64Array.from(info.numbers("num_means") ?? []),
    beta,
  };
}

function glmLinkInverse(
  link: string,
  tweediePower: number,
  where: string,
): (eta: number) => number {
  switch (link) {
    case "identity":
      return (eta) => eta;
    case "logit":
      return (eta) => 1.0 / (Math.exp(-eta) + 1.0);
    case "log":
      return Math.exp;
    case "inverse":
      return (eta) => 1.0 / (eta < 0 ? Math.min(-1e-5, eta) : Math.max(1e-5, eta));
    case "tweedie":
      return tweediePower === 0
        ? (eta) => Math.max(2e-16, Math.exp(eta))
        : (eta) => Math.pow(eta, 1.0 / tweediePower);
    default:
      throw new MojoError("corrupt", `${where}: GLM link "${link}" is not one h2o-genmodel scores`);
  }
}

function categoryOutOfRange(column: number, value: number): MojoError {
  return new MojoError(
    "bad-row",
    `column ${column} is categorical but holds ${value}, not a level index`,
  );
}

/**
 * Index into beta of a categorical level's coefficient for class block `base`, or -1 when it
 * contributes nothing. Mirrors h2o-genmodel, including its quirk that a negative level may
 * land on the previous factor's coefficients.
 */
function levelCoefficient(glm: GlmCoefficients, column: number, value: number): number {
  const skipFirst = !glm.useAllFactorLevels;
  if (skipFirst && value === 0) return -1;
  const shift = skipFirst ? 1 : 0;
  let index = javaInt(value) - shift;
  if (index !== value - shift) throw categoryOutOfRange(column, value);
  index += glm.catOffsets[column]!;
  if (index >= glm.catOffsets[column + 1]!) return -1;
  if (index < 0) throw categoryOutOfRange(column, value);
  return index;
}

function imputed(glm: GlmCoefficients, row: ArrayLike<number>, column: number): number {
  const value = row[column]!;
  if (!glm.meanImputation || value === value) return value;
  return column < glm.cats ? glm.catModes[column]! : glm.numMeans[column - glm.cats]!;
}

class SingleEtaGlm implements MojoModel, BlockScorer {
  readonly predsSize: number;
  readonly retainedBytes: number;
  private readonly defaultThreshold: number;
  private readonly predsWritten: number;
  /** The numeric columns' coefficients and means, in column order, so eta is a straight loop. */
  private readonly numericBeta: Float64Array;
  private readonly numericMeans: Float64Array;
  private readonly intercept: number;

  constructor(
    readonly meta: MojoMetadata,
    private readonly glm: GlmCoefficients,
    private readonly binomial: boolean,
    private readonly linkInverse: (eta: number) => number,
    info: InfoReader,
  ) {
    this.predsSize = binomial ? 3 : 2;
    this.predsWritten = binomial ? 3 : 1;
    this.retainedBytes = glm.beta.byteLength + glm.catOffsets.byteLength;
    this.defaultThreshold = info.number("default_threshold", 0.5);
    // h2o-genmodel takes the numeric count from beta's length, not from `nums`.
    const numericStart = glm.catOffsets[glm.cats]!;
    const numericCount = Math.max(0, glm.beta.length - 1 - numericStart);
    this.numericBeta = glm.beta.slice(numericStart, numericStart + numericCount);
    this.numericMeans = new Float64Array(numericCount).fill(NaN);
    if (glm.meanImputation) this.numericMeans.set(glm.numMeans.subarray(0, numericCount));
    this.intercept = glm.beta[glm.beta.length - 1]!;
  }

  score(row: ArrayLike<number>, preds: Float64Array, offset = 0): Float64Array {
    checkScoreArgs(this.meta, row, preds, this.predsWritten);
    this.writePreds(this.linkInverse(this.eta(row, 0) + offset), preds, 0);
    return preds;
  }

  scoreBlock(
    rows: Float64Array,
    rowWidth: number,
    firstRow: number,
    rowCount: number,
    offsets: ArrayLike<number> | undefined,
    output: Float64Array,
  ): void {
    const predsSize = this.predsSize;
    for (let row = firstRow; row < firstRow + rowCount; row++) {
      const offset = offsets === undefined ? 0 : offsets[row]!;
      const mu = this.linkInverse(this.eta(rows, row * rowWidth) + offset);
      this.writePreds(mu, output, row * predsSize);
    }
  }

  /** The linear predictor of the row at `row[start]...`, summed in h2o-genmodel's order. */
  private eta(row: ArrayLike<number>, start: number): number {
    const glm = this.glm;
    let eta = 0.0;
    for (let column = 0; column < glm.cats; column++) {
      let value = row[start + column]!;
      if (value !== value && glm.meanImputation) value = glm.catModes[column]!;
      const index = levelCoefficient(glm, column, value);
      if (index >= 0) eta += glm.beta[index]!;
    }
    const numericBeta = this.numericBeta;
    const numericMeans = this.numericMeans;
    const numericStart = start + glm.cats;
    for (let i = 0; i < numericBeta.length; i++) {
      const value = row[numericStart + i]!;
      // Without mean imputation the means are NaN, so a missing value stays missing.
      eta += numericBeta[i]! * (value === value ? value : numericMeans[i]!);
    }
    return eta + this.intercept;
  }

  private writePreds(mu: number, output: Float64Array, at: number): void {
    if (this.binomial) {
      output[at] = mu >= this.defaultThreshold ? 1 : 0;
      output[at + 1] = 1.0 - mu;
      output[at + 2] = mu;
    } else {
      output[at] = mu;
    }
  }
}

/** Multinomial (softmax over per-class etas) and ordinal (cumulative logits) GLMs. */
class MultinomialGlm implements MojoModel {
  readonly predsSize: number;
  readonly retainedBytes: number;
  private readonly perClass: number;

  constructor(
    readonly meta: MojoMetadata,
    private readonly glm: GlmCoefficients,
    private readonly ordinal: boolean,
  ) {
    this.predsSize = meta.nClasses + 1;
    this.retainedBytes = glm.beta.byteLength + glm.catOffsets.byteLength;
    this.perClass = glm.beta.length / meta.nClasses;
    if (!Number.isInteger(this.perClass)) {
      throw new MojoError(
        "corrupt",
        `GLM has ${glm.beta.length} coefficients, not a multiple of its ${meta.nClasses} classes`,
      );
    }
  }

  score(row: ArrayLike<number>, preds: Float64Array, offset = 0): Float64Array {
    const nClasses = this.meta.nClasses;
    checkScoreArgs(this.meta, row, preds, nClasses + 1);
    // A loop: TypedArray fill is a builtin call that costs more than zeroing a few slots.
    for (let slot = 0; slot < preds.length; slot++) preds[slot] = 0;
    const etaClasses = this.ordinal ? nClasses - 1 : nClasses;
    for (let c = 0; c < etaClasses; c++) preds[c + 1] = this.eta(row, c);
    return this.ordinal ? this.finishOrdinal(preds, offset) : this.finishSoftmax(preds);
  }

  private eta(row: ArrayLike<number>, classIndex: number): number {
    const glm = this.glm;
    const base = classIndex * this.perClass;
    let eta = 0;
    for (let column = 0; column < glm.cats; column++) {
      const index = levelCoefficient(glm, column, imputed(glm, row, column));
      if (index >= 0) eta += glm.beta[index + base]!;
    }
    const numericStart = glm.catOffsets[glm.cats]!;
    for (let i = 0; i < glm.nums; i++) {
      eta += glm.beta[numericStart + i + base]! * imputed(glm, row, glm.cats + i);
    }
    return eta + glm.beta[this.perClass - 1 + base]!;
  }

  /** Softmax as h2o-genmodel does it: the shift starts from 0, ties keep the first class. */
  private finishSoftmax(preds: Float64Array): Float64Array {
    const nClasses = this.meta.nClasses;
    let maxEta = 0;
    for (let c = 1; c <= nClasses; c++) if (preds[c]! > maxEta) maxEta = preds[c]!;
    let sum = 0;
    for (let c = 1; c <= nClasses; c++) {
      preds[c] = Math.exp(preds[c]! - maxEta);
      sum += preds[c]!;
    }
    const inverseSum = 1 / sum;
    let maxProbability = 0;
    for (let c = 1; c <= nClasses; c++) {
      preds[c] = preds[c]! * inverseSum;
      if (preds[c]! > maxProbability) {
        maxProbability = preds[c]!;
        preds[0] = c - 1;
      }
    }
    return preds;
  }

  private finishOrdinal(preds: Float64Array, offset: number): Float64Array {
    const nClasses = this.meta.nClasses;
    let previous = 0.0;
    for (let c = 0; c < nClasses - 1; c++) {
      const cumulative = 1.0 / (1 + Math.exp(-(preds[c + 1]! + offset)));
      preds[c + 1] = cumulative - previous;
      previous = cumulative;
    }
    preds[nClasses] = 1 - previous;
    preds[0] = 0;
    let best = 0;
    for (let c = 1; c <= nClasses; c++) if (preds[c]! > preds[best]!) best = c;
    preds[0] = best - 1;
    return preds;
  }
}
