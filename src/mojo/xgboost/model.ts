import { InfoReader } from "../ini.js";
import { predictLabel } from "../prediction.js";
import { checkScoreArgs } from "../row.js";
import { javaInt } from "../tree/forest.js";
import { MojoError } from "../types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "../types.js";
import { parseBooster, type XgbBooster, type XgbForest } from "./booster.js";
import { applyTransform, baseMargin, transformFor, type Transform } from "./objective.js";

const fround = Math.fround;

/**
 * Scores an H2O XGBoost MOJO the way h2o-genmodel's Java scorer (XGBoostJavaMojoModel over
 * the xgboost-predictor library) does: categoricals one-hot encoded with an extra level for
 * missing values, every sum and transform in float32, then widened into the double preds.
 *
 * MOJOs that h2o-genmodel hands to native XGBoost instead (dart and gblinear boosters written
 * before `use_java_scoring_by_default` existed, or with it false) get that path's input rules:
 * short rows are padded, and an out-of-range level may mark a column of another categorical.
 */
export function createXgboostModel(
  source: MojoSource,
  ini: ModelIni,
  meta: MojoMetadata,
): MojoModel {
  return new XgboostModel(source, ini, meta);
}

class XgboostModel implements MojoModel {
  readonly predsSize: number;
  readonly retainedBytes: number;

  private readonly booster: XgbBooster;
  private readonly forest: XgbForest;
  private readonly transform: Transform;
  /** The global bias, in margin space. */
  private readonly margin: number;
  /**
   * Where the bias enters the float sum. h2o-genmodel adds it after the trees for models saved
   * by XGBoost 0.x (bit-exact on every fixture); its predictor starts the sum with it for 1.x
   * models, the order native XGBoost >= 1.3 uses. No 1.x fixture exists to confirm the latter.
   */
  private readonly biasFirst: boolean;
  private readonly cats: number;
  private readonly nums: number;
  private readonly catOffsets: Int32Array;
  /** For each one-hot column, the categorical column it encodes. */
  private readonly catOfColumn: Int32Array;
  private readonly useAllFactorLevels: boolean;
  private readonly sparse: boolean;
  private readonly notHot: number;
  private readonly priors: Float64Array | null;
  private readonly threshold: number;
  private readonly predsNeeded: number;
  /** h2o-genmodel would score this MOJO with native XGBoost (see the class comment). */
  private readonly nativeInput: boolean;
  /** Native path: 1 where the encoded input holds a hot categorical indicator. */
  private readonly hotMark: Uint8Array;

  private readonly hotColumn: Int32Array;
  private readonly numValues: Float32Array;
  private readonly outputs: Float32Array;

  constructor(
    source: MojoSource,
    ini: ModelIni,
    readonly meta: MojoMetadata,
  ) {
    const where = `${source.location}: model.ini`;
    const info = new InfoReader(ini.info, where);
    this.nums = info.integer("nums");
    this.cats = info.integer("cats");
    this.catOffsets = Int32Array.from(info.numbers("cat_offsets") ?? [0]);
    if (this.catOffsets.length !== this.cats + 1 || this.cats + this.nums > meta.nFeatures) {
      throw new MojoError(
        "corrupt",
        `${where}: cats = ${this.cats}, nums = ${this.nums} and cat_offsets of length ` +
          `${this.catOffsets.length} do not describe ${meta.nFeatures} features`,
      );
    }
    this.useAllFactorLevels = info.boolean("use_all_factor_levels", true);
    this.sparse = info.boolean("sparse", false);
    const javaScoring = info.has("use_java_scoring_by_default")
      ? info.boolean("use_java_scoring_by_default")
      : info.string("booster", "gbtree") === "gbtree";
    this.nativeInput = !javaScoring;
    this.notHot = this.sparse ? NaN : 0;
    const priors = info.numbers("prior_class_distrib");
    this.priors = priors === null ? null : Float64Array.from(priors);
    this.threshold = info.number("default_threshold", 0.5);

    const oneHotWidth = this.catOffsets[this.cats]!;
    this.catOfColumn = new Int32Array(oneHotWidth);
    this.hotMark = new Uint8Array(oneHotWidth);
    for (let cat = 0; cat < this.cats; cat++) {
      this.catOfColumn.fill(cat, this.catOffsets[cat]!, this.catOffsets[cat + 1]!);
    }

    const boosterWhere = `${source.location}: boosterBytes`;
    this.booster = parseBooster(
      source.bytes("boosterBytes"),
      oneHotWidth + this.nums,
      boosterWhere,
    );
    this.forest = this.booster.trees;
    this.transform = transformFor(this.booster.objective, boosterWhere);
    this.margin = baseMargin(this.transform, this.booster.baseScore, this.booster.majorVersion);
    this.biasFirst = this.booster.majorVersion >= 1;
    checkOutputs(this.booster, this.transform, meta, boosterWhere);

    const classifier = meta.nClasses > 1;
    this.predsSize = classifier ? meta.nClasses + 1 : 2;
    this.predsNeeded = classifier ? meta.nClasses + 1 : 1;
    this.hotColumn = new Int32Array(this.cats);
    this.numValues = new Float32Array(this.nums);
    this.outputs = new Float32Array(this.booster.outputGroups);
    this.retainedBytes = this.booster.retainedBytes + this.catOfColumn.byteLength;
  }

  score(row: ArrayLike<number>, preds: Float64Array, offset = 0): Float64Array {
    if (offset !== 0) {
      throw new MojoError(
        "bad-row",
        `offset ${offset} given, but H2O's Java XGBoost scorer supports no offset; pass 0`,
      );
    }
    if (this.nativeInput) {
      this.checkNativeArgs(row, preds);
      this.encodeNative(row);
    } else {
      checkScoreArgs(this.meta, row, preds, this.predsNeeded);
      this.encode(row);
    }

    const groups = this.booster.outputGroups;
    for (let group = 0; group < groups; group++) {
      this.outputs[group] =
        this.booster.kind === "gblinear" ? this.linearMargin(group) : this.treeMargin(group);
    }
    const count = applyTransform(this.transform, this.outputs, groups);
    return this.toPreds(row, count, preds);
  }

  private encode(row: ArrayLike<number>): void {
    const offsets = this.catOffsets;
    for (let cat = 0; cat < this.cats; cat++) {
      const value = row[cat]!;
      const naColumn = offsets[cat + 1]! - 1;
      if (Number.isNaN(value)) {
        this.hotColumn[cat] = naColumn;
        continue;
      }
      const level = javaInt(value);
      let column: number;
      if (this.useAllFactorLevels) column = (level + offsets[cat]!) | 0;
      else column = level !== 0 ? (level - 1 + offsets[cat]!) | 0 : -1;
      this.hotColumn[cat] = column >= offsets[cat + 1]! ? naColumn : column;
    }
    for (let index = 0; index < this.nums; index++) {
      // Only the native path sees short rows; it pads them with zeros.
      const at = this.cats + index;
      const value = at < row.length ? fround(row[at]!) : 0;
      this.numValues[index] = this.sparse && value === 0 ? NaN : value;
    }
  }

  /** Native input: values past the categoricals are copied into a fixed-size float array. */
  private checkNativeArgs(row: ArrayLike<number>, preds: Float64Array): void {
    if (row.length < this.cats || row.length > this.cats + this.nums) {
      throw new MojoError(
        "bad-row",
        `row has ${row.length} values; this XGBoost model reads ${this.cats} categorical and ` +
          `at most ${this.nums} numeric values (${this.meta.features.join(", ")})`,
      );
    }
    if (preds.length < this.predsNeeded) {
      throw new MojoError(
        "bad-row",
        `prediction array has length ${preds.length}, the xgboost model writes ${this.predsNeeded}`,
      );
    }
  }

  private encodeNative(row: ArrayLike<number>): void {
    for (let cat = 0; cat < this.cats; cat++) {
      const previous = this.hotColumn[cat]!;
      if (previous >= 0) this.hotMark[previous] = 0;
    }
    this.encode(row);
    for (let cat = 0; cat < this.cats; cat++) {
      const column = this.hotColumn[cat]!;
      if (column >= 0) this.hotMark[column] = 1;
    }
  }

  /** The encoded input's value at one-hot column `column`, as a float. */
  private feature(column: number): number {
    const oneHotWidth = this.catOfColumn.length;
    if (column >= oneHotWidth) return this.numValues[column - oneHotWidth]!;
    if (this.nativeInput) return this.hotMark[column] === 1 ? 1 : this.notHot;
    return this.hotColumn[this.catOfColumn[column]!] === column ? 1 : this.notHot;
  }

  private treeMargin(group: number): number {
    const forest = this.forest;
    const first = forest.groupStart[group]!;
    const end = forest.groupStart[group + 1]!;
    const dart = this.booster.kind === "dart";
    let sum = this.biasFirst ? this.margin : 0;
    for (let member = first; member < end; member++) {
      let node = forest.roots[forest.groupTrees[member]!]!;
      while (forest.left[node] !== -1) {
        const value = this.feature(forest.feature[node]!);
        if (value !== value) node = forest.missing[node]!;
        else node = value < forest.value[node]! ? forest.left[node]! : forest.right[node]!;
      }
      const leaf = forest.value[node]!;
      // The predictor weights a dart tree by its position within the group, not in the file.
      sum = fround(sum + (dart ? fround(forest.dartWeights[member - first]! * leaf) : leaf));
    }
    return this.biasFirst ? sum : fround(sum + this.margin);
  }

  private linearMargin(group: number): number {
    const weights = this.booster.linearWeights;
    const groups = this.booster.outputGroups;
    const featureCount = this.booster.numFeature;
    const bias = weights[featureCount * groups + group]!;
    let sum = this.biasFirst ? fround(bias + this.margin) : bias;
    for (let column = 0; column < featureCount; column++) {
      const value = this.feature(column);
      if (value === value) sum = fround(sum + fround(value * weights[column * groups + group]!));
    }
    return this.biasFirst ? sum : fround(sum + this.margin);
  }

  private toPreds(row: ArrayLike<number>, count: number, preds: Float64Array): Float64Array {
    const classes = this.meta.nClasses;
    if (classes > 2) {
      for (let index = 0; index < count; index++) preds[1 + index] = this.outputs[index]!;
      preds[0] = predictLabel(preds, classes, this.priors, row, this.threshold);
    } else if (classes === 2) {
      preds[1] = fround(1 - this.outputs[0]!);
      preds[2] = this.outputs[0]!;
      preds[0] = predictLabel(preds, classes, this.priors, row, this.threshold);
    } else {
      preds[0] = this.outputs[0]!;
    }
    return preds;
  }
}

function checkOutputs(
  booster: XgbBooster,
  transform: Transform,
  meta: MojoMetadata,
  where: string,
): void {
  const groups = booster.outputGroups;
  const classes = meta.nClasses;
  const consistent = classes > 2 ? groups === classes || transform === "softmax" : groups === 1;
  if (!consistent) {
    throw new MojoError(
      "corrupt",
      `${where}: the booster predicts ${groups} values per row, but model.ini describes a ` +
        `${meta.category} model with ${classes} classes`,
    );
  }
}
