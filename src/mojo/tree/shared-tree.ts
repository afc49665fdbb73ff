import { InfoReader } from "../ini.js";
import { treesPerClass } from "../metadata.js";
import { classifierSettings, finishClassifier, type ClassifierSettings } from "../classifier.js";
import type { Finisher } from "../classifier.js";
import type { BlockScorer } from "../block.js";
import { checkScoreArgs } from "../row.js";
import { MojoError } from "../types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "../types.js";
import { decodeForest } from "./decode.js";
import { forestBytes, NegativeLevelError, NO_TREE, scoreTree, type Forest } from "./forest.js";
import { gbmFinisher } from "./gbm.js";

export function createGbmModel(source: MojoSource, ini: ModelIni, meta: MojoMetadata): MojoModel {
  const info = new InfoReader(ini.info, `${source.location}: model.ini`);
  const settings = classifierSettings(info, meta);
  return new SharedTreeModel(meta, loadForest(source, info, meta), gbmFinisher(info, settings));
}

export function createDrfModel(source: MojoSource, ini: ModelIni, meta: MojoMetadata): MojoModel {
  const info = new InfoReader(ini.info, `${source.location}: model.ini`);
  const forest = loadForest(source, info, meta);
  const settings = classifierSettings(info, meta);
  const doubleTrees = info.boolean("binomial_double_trees", false);
  return new SharedTreeModel(meta, forest, drfFinisher(forest.treeGroups, doubleTrees, settings));
}

function loadForest(source: MojoSource, info: InfoReader, meta: MojoMetadata): Forest {
  const treesPerGroup = treesPerClass(info, meta.nClasses);
  if (treesPerGroup < 1 || treesPerGroup > Math.max(1, meta.nClasses)) {
    throw new MojoError(
      "corrupt",
      `${source.location}: ${treesPerGroup} trees per group for ${meta.nClasses} classes`,
    );
  }
  return decodeForest(source, {
    mojoVersion: Number(meta.mojoVersion),
    treeGroups: info.integer("n_trees"),
    treesPerGroup,
    nFeatures: meta.nFeatures,
    domains: meta.domains,
  });
}

function drfFinisher(
  treeGroups: number,
  binomialDoubleTrees: boolean,
  settings: ClassifierSettings,
): Finisher {
  const nClasses = settings.nClasses;
  if (nClasses === 1) {
    return (_row, _offset, preds) => {
      preds[0] = preds[0]! / treeGroups;
    };
  }
  return (row, _offset, preds) => {
    if (nClasses === 2 && !binomialDoubleTrees) {
      // One tree per group votes for class 0; its average is p0.
      preds[1] = preds[1]! / treeGroups;
      preds[2] = 1.0 - preds[1];
    } else {
      let sum = 0;
      for (let c = 1; c <= nClasses; c++) sum += preds[c]!;
      if (sum > 0) for (let c = 1; c <= nClasses; c++) preds[c] = preds[c]! / sum;
    }
    finishClassifier(settings, row, preds);
  };
}

class SharedTreeModel implements MojoModel, BlockScorer {
  readonly predsSize: number;
  readonly retainedBytes: number;
  private readonly predsWritten: number;
  private readonly sumSlotOffset: number;
  /** The row's features copied into a Float64Array, so the tree walk sees one array type. */
  private readonly features: Float64Array;
  /** scoreBlock's scratch: one row's preds, and its values for the finisher. */
  private readonly blockPreds: Float64Array;
  private blockRow = new Float64Array(0);

  constructor(
    readonly meta: MojoMetadata,
    private readonly forest: Forest,
    private readonly finish: Finisher,
  ) {
    this.predsSize = meta.nClasses === 1 ? 2 : meta.nClasses + 1;
    this.predsWritten = meta.nClasses === 1 ? 1 : meta.nClasses + 1;
    this.sumSlotOffset = meta.nClasses === 1 ? 0 : 1;
    this.retainedBytes = forestBytes(forest);
    this.features = new Float64Array(meta.nFeatures);
    this.blockPreds = new Float64Array(this.predsSize);
  }

  score(row: ArrayLike<number>, preds: Float64Array, offset = 0): Float64Array {
    checkScoreArgs(this.meta, row, preds, this.predsWritten);
    const features = this.features;
    for (let column = 0; column < features.length; column++) features[column] = row[column]!;
    // A loop: TypedArray fill is a builtin call that costs more than zeroing a few slots.
    for (let slot = 0; slot < preds.length; slot++) preds[slot] = 0;
    this.sumTrees(features, 0, preds);
    this.finish(row, offset, preds);
    return preds;
  }

  /**
   * Row by row, as `score`, but reading each row in place. Walking one tree for many rows
   * instead was measured no faster: small forests stay in cache anyway.
   */
  scoreBlock(
    rows: Float64Array,
    rowWidth: number,
    firstRow: number,
    rowCount: number,
    offsets: ArrayLike<number> | undefined,
    output: Float64Array,
  ): void {
    if (this.blockRow.length !== rowWidth) this.blockRow = new Float64Array(rowWidth);
    const rowBuffer = this.blockRow;
    const preds = this.blockPreds;
    const predsSize = this.predsSize;
    for (let rowIndex = firstRow; rowIndex < firstRow + rowCount; rowIndex++) {
      const rowStart = rowIndex * rowWidth;
      for (let slot = 0; slot < predsSize; slot++) preds[slot] = 0;
      this.sumTrees(rows, rowStart, preds);
      // The finisher hashes the whole row to break multinomial ties, as Java does.
      for (let column = 0; column < rowWidth; column++) {
        rowBuffer[column] = rows[rowStart + column]!;
      }
      this.finish(rowBuffer, offsets === undefined ? 0 : offsets[rowIndex]!, preds);
      const outputStart = rowIndex * predsSize;
      for (let slot = 0; slot < predsSize; slot++) output[outputStart + slot] = preds[slot]!;
    }
  }

  /** Adds each class's trees into its preds slot, for the row at `rows[rowStart]...`. */
  private sumTrees(rows: Float64Array, rowStart: number, preds: Float64Array): void {
    const forest = this.forest;
    const roots = forest.roots;
    const treeGroups = forest.treeGroups;
    try {
      for (let classIndex = 0; classIndex < forest.treesPerGroup; classIndex++) {
        const slot = this.sumSlotOffset + classIndex;
        // Java adds the trees' float leaves to a double in group order; so do we, for parity.
        let sum = preds[slot]!;
        const first = classIndex * treeGroups;
        for (let group = 0; group < treeGroups; group++) {
          const root = roots[first + group]!;
          if (root !== NO_TREE) sum += scoreTree(forest, root, rows, rowStart);
        }
        preds[slot] = sum;
      }
    } catch (error) {
      if (error instanceof NegativeLevelError) {
        throw new MojoError("bad-row", `${error.message}; format 1.00 trees cannot score it`);
      }
      throw error;
    }
  }
}
