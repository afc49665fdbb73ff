import { MojoError } from "../types.js";
import { ByteCursor } from "./byte-cursor.js";

/**
 * An XGBoost booster decoded from the legacy binary model format (the `boosterBytes` entry of
 * an H2O XGBoost MOJO), flattened into typed arrays so scoring allocates nothing.
 */
export interface XgbBooster {
  kind: "gbtree" | "dart" | "gblinear";
  objective: string;
  /** base_score as stored: a probability-space value when majorVersion >= 1. */
  baseScore: number;
  numFeature: number;
  numClass: number;
  /** Outputs per row: 1, or the class count for multi-class objectives. */
  outputGroups: number;
  majorVersion: number;
  trees: XgbForest;
  /** gblinear: weight of feature f for group g at [f * outputGroups + g], then the biases. */
  linearWeights: Float32Array;
  /** Decoded bytes kept in memory. */
  retainedBytes: number;
}

/** All trees' nodes concatenated; child indices are global. `left[n] === -1` marks a leaf. */
export interface XgbForest {
  left: Int32Array;
  right: Int32Array;
  /** The child taken when the split feature is missing (NaN). */
  missing: Int32Array;
  feature: Int32Array;
  /** Split threshold of an inner node (go left when value < threshold), or the leaf value. */
  value: Float32Array;
  /** Root node of each tree, in file order. */
  roots: Int32Array;
  /** Trees of output group g are groupTrees[groupStart[g] .. groupStart[g+1]), in file order. */
  groupStart: Int32Array;
  groupTrees: Int32Array;
  /** dart: the drop weight applied to the i-th tree of every group (as h2o's predictor does). */
  dartWeights: Float32Array;
}

const LEARNER_RESERVED_INTS = 27;
const GBTREE_RESERVED_INTS = 31;
const TREE_RESERVED_INTS = 31;
const GBLINEAR_RESERVED_INTS = 32;
const NODE_STAT_BYTES = 16;
const BINF_SIGNATURE = [0x62, 0x69, 0x6e, 0x66];

interface RawTree {
  left: Int32Array;
  right: Int32Array;
  missing: Int32Array;
  feature: Int32Array;
  value: Float32Array;
}

/**
 * Decodes boosterBytes. `featureCount` is the width of the one-hot encoded input (categorical
 * indicator columns then numerics); a split on a feature beyond it is refused here rather than
 * failing on every row.
 */
export function parseBooster(bytes: Uint8Array, featureCount: number, where: string): XgbBooster {
  const cursor = new ByteCursor(bytes, where);

  // Models written by XGBoost before 0.6 start with the signature "binf".
  const head = cursor.peek(4);
  if (BINF_SIGNATURE.every((byte, at) => head[at] === byte)) cursor.skip(4, "signature");

  const baseScore = cursor.float32("learner base_score");
  const numFeature = cursor.uint32("learner num_feature");
  const numClass = cursor.int32("learner num_class");
  const savedWithPbuffer = cursor.int32("learner saved_with_pbuffer");
  cursor.int32("learner contain_eval_metrics");
  const majorVersion = cursor.uint32("learner major_version");
  cursor.uint32("learner minor_version");
  cursor.skip(LEARNER_RESERVED_INTS * 4, "learner reserved");
  const objective = cursor.string("objective name");
  const kind = cursor.string("booster name");
  if (numClass < 0) throw new MojoError("corrupt", `${where}: num_class is ${numClass}`);
  const outputGroups = numClass === 0 ? 1 : numClass;
  if (numFeature > featureCount) {
    throw new MojoError(
      "corrupt",
      `${where}: the booster reads ${numFeature} features but model.ini encodes only ` +
        `${featureCount}`,
    );
  }

  const base = { objective, baseScore, numFeature, numClass, outputGroups, majorVersion };
  if (kind === "gblinear") {
    const weights = readLinear(cursor, numFeature, outputGroups, where);
    return {
      ...base,
      kind,
      trees: emptyForest(outputGroups),
      linearWeights: weights,
      retainedBytes: weights.byteLength,
    };
  }
  if (kind !== "gbtree" && kind !== "dart") {
    throw new MojoError(
      "unsupported-algorithm",
      `${where}: XGBoost booster "${kind}" is not one of gbtree, dart, gblinear`,
    );
  }
  const trees = readTrees(cursor, kind, outputGroups, savedWithPbuffer !== 0, featureCount, where);
  const retainedBytes = [
    trees.left,
    trees.right,
    trees.missing,
    trees.feature,
    trees.value,
    trees.roots,
    trees.groupStart,
    trees.groupTrees,
    trees.dartWeights,
  ].reduce((sum, array) => sum + array.byteLength, 0);
  return { ...base, kind, trees, linearWeights: new Float32Array(0), retainedBytes };
}

function readLinear(
  cursor: ByteCursor,
  numFeature: number,
  outputGroups: number,
  where: string,
): Float32Array {
  cursor.uint32("gblinear num_feature");
  cursor.int32("gblinear num_output_group");
  cursor.skip(GBLINEAR_RESERVED_INTS * 4, "gblinear reserved");
  const needed = (numFeature + 1) * outputGroups;
  const stored = cursor.length64("gblinear weights");
  if (stored === 0) return new Float32Array(needed);
  if (stored < needed) {
    throw new MojoError(
      "corrupt",
      `${where}: gblinear stores ${stored} weights, ${needed} expected ` +
        `(${numFeature} features + bias, ${outputGroups} groups)`,
    );
  }
  return cursor.float32Array(stored, "gblinear weights");
}

function readTrees(
  cursor: ByteCursor,
  kind: "gbtree" | "dart",
  outputGroupsFromLearner: number,
  withPbuffer: boolean,
  featureCount: number,
  where: string,
): XgbForest {
  const treeCount = cursor.int32("gbtree num_trees");
  cursor.int32("gbtree num_roots");
  cursor.int32("gbtree num_feature");
  cursor.int32("gbtree padding");
  const pbufferLow = cursor.uint32("gbtree num_pbuffer");
  const pbufferHigh = cursor.uint32("gbtree num_pbuffer");
  const outputGroupsStored = cursor.int32("gbtree num_output_group");
  const leafVectorSize = cursor.int32("gbtree size_leaf_vector");
  cursor.skip(GBTREE_RESERVED_INTS * 4 + 4, "gbtree reserved");
  if (treeCount < 0) throw new MojoError("corrupt", `${where}: negative tree count ${treeCount}`);

  const rawTrees: RawTree[] = [];
  for (let tree = 0; tree < treeCount; tree++) {
    rawTrees.push(readTree(cursor, featureCount, `${where}: tree ${tree}`));
  }
  const treeGroups = new Int32Array(treeCount);
  for (let tree = 0; tree < treeCount; tree++) treeGroups[tree] = cursor.int32("tree_info");

  const pbufferEntries = pbufferHigh * 2 ** 32 + pbufferLow;
  if (pbufferEntries !== 0 && withPbuffer) {
    const groups = outputGroupsStored > 0 ? outputGroupsStored : outputGroupsFromLearner;
    const floats = groups * pbufferEntries * (leafVectorSize + 1);
    cursor.skip(2 * 4 * floats, "prediction buffer");
  }

  let dartWeights: Float32Array = new Float32Array(0);
  if (kind === "dart" && treeCount !== 0) {
    const weightCount = cursor.length64("dart weight_drop");
    dartWeights = cursor.float32Array(weightCount, "dart weight_drop");
  }
  const forest = flatten(rawTrees, treeGroups, outputGroupsFromLearner, dartWeights);
  if (kind === "dart") checkDartWeights(forest, where);
  return forest;
}

function readTree(cursor: ByteCursor, featureCount: number, where: string): RawTree {
  cursor.int32("tree num_roots");
  const nodeCount = cursor.int32("tree num_nodes");
  cursor.int32("tree num_deleted");
  cursor.int32("tree max_depth");
  cursor.int32("tree num_feature");
  const leafVectorSize = cursor.int32("tree size_leaf_vector");
  cursor.skip(TREE_RESERVED_INTS * 4, "tree reserved");
  if (nodeCount <= 0) throw new MojoError("corrupt", `${where}: has ${nodeCount} nodes`);
  if (leafVectorSize !== 0) {
    throw new MojoError("corrupt", `${where}: has leaf vectors, which XGBoost MOJOs never use`);
  }

  const tree: RawTree = {
    left: new Int32Array(nodeCount),
    right: new Int32Array(nodeCount),
    missing: new Int32Array(nodeCount),
    feature: new Int32Array(nodeCount),
    value: new Float32Array(nodeCount),
  };
  for (let node = 0; node < nodeCount; node++) {
    cursor.int32("node parent");
    const left = cursor.int32("node left");
    const right = cursor.int32("node right");
    const splitIndex = cursor.uint32("node split index");
    tree.value[node] = cursor.float32("node value");
    tree.left[node] = left;
    tree.right[node] = right;
    tree.feature[node] = splitIndex & 0x7fffffff;
    // The top bit of the split index sends missing values left.
    tree.missing[node] = splitIndex >>> 31 !== 0 ? left : right;
  }
  cursor.skip(nodeCount * NODE_STAT_BYTES, "node statistics");
  checkTreeShape(tree, featureCount, where);
  return tree;
}

/** Every inner node's children exist and each node is reached once, so descent ends. */
function checkTreeShape(tree: RawTree, featureCount: number, where: string): void {
  const nodeCount = tree.left.length;
  const seen = new Uint8Array(nodeCount);
  const pending = [0];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (seen[node] === 1) throw new MojoError("corrupt", `${where}: node ${node} is reached twice`);
    seen[node] = 1;
    const left = tree.left[node]!;
    if (left === -1) continue;
    const right = tree.right[node]!;
    if (left < 0 || left >= nodeCount || right < 0 || right >= nodeCount) {
      throw new MojoError("corrupt", `${where}: node ${node} points outside the tree`);
    }
    if (tree.feature[node]! >= featureCount) {
      throw new MojoError(
        "corrupt",
        `${where}: node ${node} splits on feature ${tree.feature[node]}, but the encoded ` +
          `input has ${featureCount}`,
      );
    }
    pending.push(left, right);
  }
}

function flatten(
  rawTrees: RawTree[],
  treeGroups: Int32Array,
  outputGroups: number,
  dartWeights: Float32Array,
): XgbForest {
  const nodeTotal = rawTrees.reduce((sum, tree) => sum + tree.left.length, 0);
  const forest: XgbForest = {
    left: new Int32Array(nodeTotal),
    right: new Int32Array(nodeTotal),
    missing: new Int32Array(nodeTotal),
    feature: new Int32Array(nodeTotal),
    value: new Float32Array(nodeTotal),
    roots: new Int32Array(rawTrees.length),
    groupStart: new Int32Array(outputGroups + 1),
    groupTrees: new Int32Array(0),
    dartWeights,
  };
  let base = 0;
  rawTrees.forEach((tree, index) => {
    forest.roots[index] = base;
    for (let node = 0; node < tree.left.length; node++) {
      const at = base + node;
      const isLeaf = tree.left[node] === -1;
      forest.left[at] = isLeaf ? -1 : base + tree.left[node]!;
      forest.right[at] = isLeaf ? -1 : base + tree.right[node]!;
      forest.missing[at] = isLeaf ? -1 : base + tree.missing[node]!;
      forest.feature[at] = tree.feature[node]!;
      forest.value[at] = tree.value[node]!;
    }
    base += tree.left.length;
  });

  // Trees whose group is outside [0, outputGroups) are never used, as in the Java predictor.
  const members: number[] = [];
  for (let group = 0; group < outputGroups; group++) {
    forest.groupStart[group] = members.length;
    treeGroups.forEach((treeGroup, tree) => {
      if (treeGroup === group) members.push(tree);
    });
  }
  forest.groupStart[outputGroups] = members.length;
  forest.groupTrees = Int32Array.from(members);
  return forest;
}

function checkDartWeights(forest: XgbForest, where: string): void {
  for (let group = 0; group + 1 < forest.groupStart.length; group++) {
    const size = forest.groupStart[group + 1]! - forest.groupStart[group]!;
    if (size > forest.dartWeights.length) {
      throw new MojoError(
        "corrupt",
        `${where}: dart stores ${forest.dartWeights.length} tree weights but group ${group} ` +
          `has ${size} trees`,
      );
    }
  }
}

function emptyForest(outputGroups: number): XgbForest {
  return {
    left: new Int32Array(0),
    right: new Int32Array(0),
    missing: new Int32Array(0),
    feature: new Int32Array(0),
    value: new Float32Array(0),
    roots: new Int32Array(0),
    groupStart: new Int32Array(outputGroups + 1),
    groupTrees: new Int32Array(0),
    dartWeights: new Float32Array(0),
  };
}
