import { InfoReader } from "./ini.js";
import { correctProbabilities, predictLabel } from "./prediction.js";
import { javaInt } from "./tree/forest.js";
import { MojoError } from "./types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "./types.js";

type Activation =
  | "Linear"
  | "Softmax"
  | "Rectifier"
  | "RectifierWithDropout"
  | "Tanh"
  | "TanhWithDropout"
  | "ExpRectifier"
  | "ExpRectifierWithDropout"
  | "Maxout"
  | "MaxoutWithDropout";

const HIDDEN_ACTIVATIONS = new Set<string>([
  "Rectifier",
  "RectifierWithDropout",
  "Tanh",
  "TanhWithDropout",
  "ExpRectifier",
  "ExpRectifierWithDropout",
  "Maxout",
  "MaxoutWithDropout",
]);

interface Layer {
  activation: Activation;
  dropoutRatio: number;
  inputs: number;
  outputs: number;
  /** Pieces per unit: 2 for maxout, else 1. */
  pieces: number;
  /** Row-major: unit by unit (for maxout, piece-interleaved), float32 as stored. */
  weights: Float32Array;
  biases: Float64Array;
  /** Pre-activation values, outputs * pieces. */
  sums: Float64Array;
  activations: Float64Array;
}

/**
 * Scores an H2O Deep Learning MOJO with h2o-genmodel's arithmetic: one-hot categoricals with an
 * extra missing level, standardised numerics with missing values at the mean (0), dense layers
 * summed in the same eight-lane order as Java so results match to the last bit.
 */
export function createDeepLearningModel(
  source: MojoSource,
  ini: ModelIni,
  meta: MojoMetadata,
): MojoModel {
  return new DeepLearningModel(source, ini, meta);
}

class DeepLearningModel implements MojoModel {
  readonly predsSize: number;
  readonly retainedBytes: number;

  private readonly cats: number;
  private readonly nums: number;
  private readonly catOffsets: Int32Array;
  private readonly normMul: Float64Array;
  private readonly normSub: Float64Array;
  private readonly responseMul: number | null;
  private readonly responseSub: number;
  private readonly useAllFactorLevels: boolean;
  private readonly family: string;
  private readonly layers: Layer[];
  private readonly input: Float64Array;
  private readonly hotColumn: Int32Array;
  private readonly balanceClasses: boolean;
  private readonly priors: Float64Array | null;
  private readonly modelDistribution: Float64Array | null;
  private readonly threshold: number;
  private readonly predsNeeded: number;
  private readonly autoEncoder: boolean;

  constructor(
    source: MojoSource,
    ini: ModelIni,
    readonly meta: MojoMetadata,
  ) {
    const where = `${source.location}: model.ini`;
    const info = new InfoReader(ini.info, where);
    this.cats = info.integer("cats");
    this.nums = info.integer("nums");
    this.catOffsets = Int32Array.from(info.numbers("cat_offsets") ?? [0]);
    this.normMul = Float64Array.from(info.numbers("norm_mul") ?? []);
    this.normSub = Float64Array.from(info.numbers("norm_sub") ?? []);
    const responseMul = info.numbers("norm_resp_mul");
    this.responseMul = responseMul === null ? null : responseMul[0]!;
    this.responseSub = info.numbers("norm_resp_sub")?.[0] ?? 0;
    this.useAllFactorLevels = info.boolean("use_all_factor_levels", true);
    this.family = info.string("distribution", "AUTO");
    this.balanceClasses = info.boolean("balance_classes", false);
    this.priors = optionalArray(info, "prior_class_distrib");
    this.modelDistribution = optionalArray(info, "model_class_distrib");
    this.threshold = info.number("default_threshold", 0.5);
    this.autoEncoder = meta.category === "AutoEncoder";

    const units = info.numbers("neural_network_sizes") ?? [];
    checkShape(this.cats, this.nums, this.catOffsets, this.normMul, this.normSub, units, where);
    this.layers = readLayers(info, units, meta, where);
    this.input = new Float64Array(units[0]!);
    this.hotColumn = new Int32Array(this.cats);

    const classifier = meta.nClasses > 1 && !this.autoEncoder;
    this.predsSize = this.autoEncoder ? units[0]! : classifier ? meta.nClasses + 1 : 2;
    this.predsNeeded = this.autoEncoder
      ? units[0]!
      : classifier || this.family === "modified_huber"
        ? meta.nClasses + 1
        : 1;
    this.retainedBytes = this.layers.reduce(
      (sum, layer) =>
        sum +
        layer.weights.byteLength +
        layer.biases.byteLength +
        layer.sums.byteLength +
        layer.activations.byteLength,
      this.input.byteLength,
    );
  }

  score(row: ArrayLike<number>, preds: Float64Array): Float64Array {
    // Java reads every value past the categoricals into a fixed-size numeric array.
    if (row.length < this.cats || row.length > this.cats + this.nums) {
      throw new MojoError(
        "bad-row",
        `row has ${row.length} values; the deeplearning model reads ${this.cats} categorical ` +
          `and at most ${this.nums} numeric values (${this.meta.features.join(", ")})`,
      );
    }
    if (preds.length < this.predsNeeded) {
      throw new MojoError(
        "bad-row",
        `prediction array has length ${preds.length}, the deeplearning model writes ` +
          `${this.predsNeeded}`,
      );
    }
    this.encode(row);
    let values = this.input;
    for (let index = 0; index < this.layers.length; index++) {
      const layer = this.layers[index]!;
      forward(layer, values);
      values = layer.activations;
    }
    return this.finish(values, row, preds);
  }

  private encode(row: ArrayLike<number>): void {
    const input = this.input;
    const offsets = this.catOffsets;
    input.fill(0);
    for (let cat = 0; cat < this.cats; cat++) {
      const value = row[cat]!;
      const naColumn = offsets[cat + 1]! - 1;
      let column: number;
      if (Number.isNaN(value)) {
        column = naColumn;
      } else {
        const level = javaInt(value);
        if (this.useAllFactorLevels) column = (level + offsets[cat]!) | 0;
        else column = level !== 0 ? (level - 1 + offsets[cat]!) | 0 : -1;
        if (column >= offsets[cat + 1]!) column = naColumn;
      }
      this.hotColumn[cat] = column;
    }
    // A level below its column's range lands in an earlier column's block, as in Java.
    for (let cat = 0; cat < this.cats; cat++) {
      const column = this.hotColumn[cat]!;
      if (column >= 0) input[column] = 1;
    }
    const numStart = offsets[this.cats]!;
    const normalise = this.normMul.length > 0;
    for (let index = 0; index < this.nums; index++) {
      const at = this.cats + index;
      if (at >= row.length) break;
      let value = row[at]!;
      if (normalise) value = (value - this.normSub[index]!) * this.normMul[index]!;
      // Standardised, so a missing value imputed with the mean is 0.
      input[numStart + index] = Number.isNaN(value) ? 0 : value;
    }
  }

  private finish(out: Float64Array, row: ArrayLike<number>, preds: Float64Array): Float64Array {
    if (this.autoEncoder) {
      const categorical = out.length - this.nums;
      for (let k = 0; k < out.length; k++) {
        const numeric = k - categorical;
        preds[k] =
          numeric >= 0 && this.normMul.length > 0
            ? out[k]! / this.normMul[numeric]! + this.normSub[numeric]!
            : out[k]!;
      }
      return preds;
    }
    if (this.family === "modified_huber") {
      // Java's scorer writes this constant for modified_huber; kept for equality.
      preds[0] = -1;
      preds[2] = linkInverse(this.family, -1);
      preds[1] = 1 - preds[2];
      return preds;
    }
    const classes = this.meta.nClasses;
    if (classes > 1) {
      for (let index = 0; index < classes; index++) {
        if (Number.isNaN(out[index]!)) {
          throw new MojoError("bad-row", "deeplearning predicted a NaN class probability");
        }
        preds[index + 1] = out[index]!;
      }
      if (this.balanceClasses && this.priors !== null && this.modelDistribution !== null) {
        correctProbabilities(preds, classes, this.priors, this.modelDistribution);
      }
      preds[0] = predictLabel(preds, classes, this.priors, row, this.threshold);
      return preds;
    }
    let value = out[0]!;
    if (this.responseMul !== null) value = value / this.responseMul + this.responseSub;
    preds[0] = linkInverse(this.family, value);
    if (Number.isNaN(preds[0])) {
      throw new MojoError("bad-row", "deeplearning predicted NaN for this row");
    }
    return preds;
  }
}

function optionalArray(info: InfoReader, key: string): Float64Array | null {
  const values = info.numbers(key);
  return values === null ? null : Float64Array.from(values);
}

function linkInverse(family: string, value: number): number {
  switch (family) {
    case "bernoulli":
    case "quasibinomial":
    case "modified_huber":
    case "ordinal":
      return 1 / (1 + Math.min(1e19, Math.exp(-value)));
    case "multinomial":
    case "poisson":
    case "gamma":
    case "tweedie":
      return Math.min(1e19, Math.exp(value));
    default:
      return value;
  }
}

function checkShape(
  cats: number,
  nums: number,
  catOffsets: Int32Array,
  normMul: Float64Array,
  normSub: Float64Array,
  units: number[],
  where: string,
): void {
  const problems: string[] = [];
  if (catOffsets.length !== cats + 1) problems.push(`cat_offsets has ${catOffsets.length} entries`);
  else if (units[0] !== catOffsets[cats]! + nums) {
    problems.push(`the input layer has ${units[0]} units, not ${catOffsets[cats]! + nums}`);
  }
  if (units.length < 2) problems.push("neural_network_sizes lists fewer than two layers");
  if (normMul.length > 0 && (normMul.length !== nums || normSub.length !== nums)) {
    problems.push("norm_mul / norm_sub do not have one entry per numeric column");
  }
  if (problems.length > 0) {
    throw new MojoError("corrupt", `${where}: ${problems.join("; ")}`);
  }
}

function readLayers(info: InfoReader, units: number[], meta: MojoMetadata, where: string): Layer[] {
  const hidden = info.string("activation");
  if (!HIDDEN_ACTIVATIONS.has(hidden)) {
    throw new MojoError(
      "unsupported-algorithm",
      `${where}: deeplearning activation "${hidden}" is not one this runtime knows`,
    );
  }
  const layerCount = units.length - 1;
  const dropout = info.numbers("hidden_dropout_ratios") ?? [];
  const classifier = meta.nClasses > 1;
  const autoEncoder = meta.category === "AutoEncoder";
  const layers: Layer[] = [];
  for (let index = 0; index < layerCount; index++) {
    const last = index === layerCount - 1;
    const activation = (
      last && !autoEncoder ? (classifier ? "Softmax" : "Linear") : hidden
    ) as Activation;
    const inputs = units[index]!;
    const outputs = units[index + 1]!;
    const biases = Float64Array.from(info.numbers(`bias_layer${index}`) ?? []);
    const weights = Float32Array.from(info.numbers(`weight_layer${index}`) ?? []);
    const pieces = activation.startsWith("Maxout") ? biases.length / outputs : 1;
    if (
      !Number.isInteger(pieces) ||
      pieces < 1 ||
      pieces > 2 ||
      biases.length !== outputs * pieces ||
      weights.length !== outputs * pieces * inputs
    ) {
      throw new MojoError(
        "corrupt",
        `${where}: layer ${index} (${inputs} -> ${outputs}, ${activation}) has ` +
          `${weights.length} weights and ${biases.length} biases`,
      );
    }
    layers.push({
      activation,
      dropoutRatio: dropout[index] ?? 0,
      inputs,
      outputs,
      pieces,
      weights,
      biases,
      sums: new Float64Array(outputs * pieces),
      activations: new Float64Array(outputs),
    });
  }
  return layers;
}

function forward(layer: Layer, input: Float64Array): void {
  if (layer.pieces === 1) denseSums(layer, input);
  else maxoutSums(layer, input);
  activate(layer);
}

/** The matrix-vector product in Java's order: eight partial sums, then the tail, then bias. */
function denseSums(layer: Layer, input: Float64Array): void {
  const { weights, biases, sums } = layer;
  const columns = layer.inputs;
  const blocked = columns - (columns % 8);
  for (let unit = 0, base = 0; unit < layer.outputs; unit++, base += columns) {
    // prettier-ignore
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
    for (let column = 0; column < blocked; column += 8) {
      const at = base + column;
      p0 += weights[at]! * input[column]!;
      p1 += weights[at + 1]! * input[column + 1]!;
      p2 += weights[at + 2]! * input[column + 2]!;
      p3 += weights[at + 3]! * input[column + 3]!;
      p4 += weights[at + 4]! * input[column + 4]!;
      p5 += weights[at + 5]! * input[column + 5]!;
      p6 += weights[at + 6]! * input[column + 6]!;
      p7 += weights[at + 7]! * input[column + 7]!;
    }
    let sum = 0;
    sum += p0 + p1 + p2 + p3;
    sum += p4 + p5 + p6 + p7;
    for (let column = blocked; column < columns; column++) {
      sum += weights[base + column]! * input[column]!;
    }
    sums[unit] = sum + biases[unit]!;
  }
}

function maxoutSums(layer: Layer, input: Float64Array): void {
  const { weights, biases, sums, pieces } = layer;
  const columns = layer.inputs;
  for (let piece = 0; piece < pieces; piece++) {
    for (let unit = 0; unit < layer.outputs; unit++) {
      const slot = pieces * unit + piece;
      let sum = 0;
      for (let column = 0; column < columns; column++) {
        sum += input[column]! * weights[pieces * (unit * columns + column) + piece]!;
      }
      sums[slot] = sum + biases[slot]!;
    }
  }
}

function activate(layer: Layer): void {
  const { sums, activations, outputs } = layer;
  switch (layer.activation) {
    case "Linear":
      activations.set(sums);
      return;
    case "Softmax": {
      let max = sums[0]!;
      for (let unit = 0; unit < outputs; unit++) max = max < sums[unit]! ? sums[unit]! : max;
      let scale = 0;
      for (let unit = 0; unit < outputs; unit++) {
        activations[unit] = Math.exp(sums[unit]! - max);
        scale += activations[unit]!;
      }
      for (let unit = 0; unit < outputs; unit++) activations[unit] = activations[unit]! / scale;
      return;
    }
    case "Rectifier":
    case "RectifierWithDropout":
      for (let unit = 0; unit < outputs; unit++) {
        activations[unit] = 0.5 * (sums[unit]! + Math.abs(sums[unit]!));
      }
      break;
    case "Tanh":
    case "TanhWithDropout":
      for (let unit = 0; unit < outputs; unit++) {
        activations[unit] = 1 - 2 / (1 + Math.exp(2 * sums[unit]!));
      }
      break;
    case "ExpRectifier":
    case "ExpRectifierWithDropout":
      for (let unit = 0; unit < outputs; unit++) {
        const value = sums[unit]!;
        activations[unit] = value >= 0 ? value : Math.exp(value) - 1;
      }
      break;
    case "Maxout":
    case "MaxoutWithDropout":
      for (let unit = 0; unit < outputs; unit++) {
        if (layer.pieces === 1) {
          activations[unit] = sums[unit]!;
          continue;
        }
        const first = sums[unit * 2]!;
        const second = sums[unit * 2 + 1]!;
        activations[unit] = first > second ? first : second;
      }
      break;
  }
  if (layer.activation.endsWith("WithDropout") && layer.dropoutRatio > 0) {
    // Training dropped units with this probability; scoring scales every unit instead.
    const keep = 1 - layer.dropoutRatio;
    for (let unit = 0; unit < outputs; unit++) activations[unit] = activations[unit]! * keep;
  }
}
