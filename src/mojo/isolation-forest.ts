import { InfoReader } from "./ini.js";
import { treesPerClass } from "./metadata.js";
import { checkScoreArgs } from "./row.js";
import { decodeForest } from "./tree/decode.js";
import { forestBytes, NO_TREE, scoreTree, type Forest } from "./tree/forest.js";
import { MojoError } from "./types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "./types.js";

/**
 * Scores an H2O Isolation Forest MOJO: each tree's leaf holds the path length of the row, and
 * the anomaly score is (max_path_length - total) / (max_path_length - min_path_length), so
 * short total paths (easy to isolate) score high. preds = [score, mean_length], or with
 * `output_anomaly_flag` [flag, score, mean_length] where flag = score > default_threshold.
 */
export function createIsolationForestModel(
  source: MojoSource,
  ini: ModelIni,
  meta: MojoMetadata,
): MojoModel {
  const where = `${source.location}: model.ini`;
  const info = new InfoReader(ini.info, where);
  const treesPerGroup = treesPerClass(info, meta.nClasses);
  if (treesPerGroup !== 1) {
    throw new MojoError(
      "corrupt",
      `${where}: an isolation forest has one tree per group, not ${treesPerGroup}`,
    );
  }
  const forest = decodeForest(source, {
    mojoVersion: Number(meta.mojoVersion),
    treeGroups: info.integer("n_trees"),
    treesPerGroup,
    nFeatures: meta.nFeatures,
    domains: meta.domains,
  });
  return new IsolationForestModel(meta, forest, {
    maxPathLength: info.integer("max_path_length", 0),
    minPathLength: info.integer("min_path_length", 0),
    outputAnomalyFlag: info.boolean("output_anomaly_flag", false),
    threshold: info.number("default_threshold", 0.5),
  });
}

interface PathSettings {
  maxPathLength: number;
  minPathLength: number;
  outputAnomalyFlag: boolean;
  threshold: number;
}

class IsolationForestModel implements MojoModel {
  readonly predsSize: number;
  readonly retainedBytes: number;
  /** The row's features copied into a Float64Array, so the tree walk sees one array type. */
  private readonly features: Float64Array;

  constructor(
    readonly meta: MojoMetadata,
    private readonly forest: Forest,
    private readonly settings: PathSettings,
  ) {
    this.predsSize = settings.outputAnomalyFlag ? 3 : 2;
    this.retainedBytes = forestBytes(forest);
    this.features = new Float64Array(meta.nFeatures);
  }

  score(row: ArrayLike<number>, preds: Float64Array): Float64Array {
    const { maxPathLength, minPathLength, outputAnomalyFlag, threshold } = this.settings;
    checkScoreArgs(this.meta, row, preds, outputAnomalyFlag ? 3 : 1);
    const features = this.features;
    for (let column = 0; column < features.length; column++) features[column] = row[column]!;

    let totalPathLength = 0;
    const groups = this.forest.treeGroups;
    for (let group = 0; group < groups; group++) {
      const root = this.forest.roots[group]!;
      if (root !== NO_TREE) totalPathLength += scoreTree(this.forest, root, features, 0);
    }

    // Java derives the mean only when the caller's array has room for it.
    const meanLength = groups >= 1 && preds.length > 1 ? totalPathLength / groups : 0;
    const score =
      maxPathLength > minPathLength
        ? (maxPathLength - totalPathLength) / (maxPathLength - minPathLength)
        : 1;
    if (outputAnomalyFlag) {
      preds[0] = score > threshold ? 1 : 0;
      preds[1] = score;
      preds[2] = meanLength;
    } else {
      preds[0] = score;
      if (preds.length > 1) preds[1] = meanLength;
    }
    return preds;
  }
}
