/**
 * A decoded forest: every tree of a GBM/DRF MOJO flattened into shared typed-array node tables,
 * so scoring walks integers and doubles without touching the compressed bytes or allocating.
 *
 * A child reference >= 0 is a node index; a negative one is a leaf, `-(leafIndex + 1)`.
 */
export const NO_TREE = 0x7fffffff;

/** Node flags. */
export const NA_VS_REST = 1;
/** A missing value (and, from format 1.10, an out-of-range level) goes left. */
export const NA_LEFT = 2;
export const BITSET_SPLIT = 4;
/** Format >= 1.10 checks the level against a bitset's range (see `rangeNode`). */
export const RANGE_CHECKED = 8;

export interface Forest {
  /** Tree format generation: 0 for MOJO 1.00, 1 for 1.10, 2 for 1.20 and newer. */
  readonly scoring: 0 | 1 | 2;
  readonly treeGroups: number;
  readonly treesPerGroup: number;
  /** Root reference per tree, indexed `classIndex * treeGroups + groupIndex`; NO_TREE if absent. */
  readonly roots: Int32Array;
  readonly column: Int32Array;
  readonly flags: Uint8Array;
  /** Numeric split value (a float32 widened to double). */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bitset of a node: first byte in `bitsetBytes`, first level, number of levels. */
  readonly bitsetStart: Int32Array;
  readonly bitsetFirstLevel: Int32Array;
  readonly bitsetLevels: Int32Array;
  /**
   * The node whose bitset bounds the range check. Usually the node itself; for a NA-vs-rest node
   * it is the nearest ancestor with a bitset, because h2o-genmodel reuses the last bitset it read.
   */
  readonly rangeNode: Int32Array;
  readonly bitsetBytes: Uint8Array;
  readonly leafValue: Float64Array;
  /** Per column: its number of levels, or +Infinity when numeric (format >= 1.20 only). */
  readonly levelLimit: Float64Array;
}

export function forestBytes(forest: Forest): number {
  const arrays = [
    forest.roots,
    forest.column,
    forest.flags,
    forest.threshold,
    forest.left,
    forest.right,
    forest.bitsetStart,
    forest.bitsetFirstLevel,
    forest.bitsetLevels,
    forest.rangeNode,
    forest.bitsetBytes,
    forest.leafValue,
    forest.levelLimit,
  ];
  return arrays.reduce((sum, array) => sum + array.byteLength, 0);
}

/** Java's (int) cast of a double: truncation, saturating at the int range; NaN becomes 0. */
export function javaInt(value: number): number {
  if (value >= 2147483647) return 2147483647;
  if (value <= -2147483648) return -2147483648;
  return Math.trunc(value) | 0;
}

/** Thrown by `scoreTree` where h2o-genmodel 1.00 trees throw (a negative categorical level). */
export class NegativeLevelError extends Error {
  constructor(
    readonly column: number,
    readonly level: number,
  ) {
    super(`column ${column} holds the negative categorical level ${level}`);
  }
}

/** One tree's prediction for `row`; `root` must not be NO_TREE. */
export function scoreTree(forest: Forest, root: number, row: ArrayLike<number>): number {
  const { column, flags, threshold, left, right, scoring } = forest;
  let node = root;
  while (node >= 0) {
    const value = row[column[node]!]!;
    const nodeFlags = flags[node]!;
    let goRight: boolean;
    if (value !== value) {
      goRight = (nodeFlags & NA_LEFT) === 0;
    } else if (scoring === 0) {
      goRight = decideFormat100(forest, node, nodeFlags, value);
    } else if (isOutOfRange(forest, node, nodeFlags, value)) {
      goRight = (nodeFlags & NA_LEFT) === 0;
    } else if ((nodeFlags & NA_VS_REST) !== 0) {
      goRight = false;
    } else if ((nodeFlags & BITSET_SPLIT) !== 0) {
      goRight = bitIsSet(forest, node, javaInt(value));
    } else {
      goRight = value >= threshold[node]!;
    }
    node = goRight ? right[node]! : left[node]!;
  }
  return forest.leafValue[-node - 1]!;
}

function decideFormat100(forest: Forest, node: number, nodeFlags: number, value: number): boolean {
  if ((nodeFlags & NA_VS_REST) !== 0) return false;
  if ((nodeFlags & BITSET_SPLIT) === 0) return value >= forest.threshold[node]!;
  const level = javaInt(value);
  if (level < 0) throw new NegativeLevelError(forest.column[node]!, level);
  const offset = level - forest.bitsetFirstLevel[node]!;
  if (offset < 0 || offset >= forest.bitsetLevels[node]!) return false;
  return bitIsSet(forest, node, level);
}

function isOutOfRange(forest: Forest, node: number, nodeFlags: number, value: number): boolean {
  const level = javaInt(value);
  if ((nodeFlags & RANGE_CHECKED) !== 0) {
    const rangeNode = forest.rangeNode[node]!;
    const offset = level - forest.bitsetFirstLevel[rangeNode]!;
    if (offset < 0 || offset >= forest.bitsetLevels[rangeNode]!) return true;
  }
  return level >= forest.levelLimit[forest.column[node]!]!;
}

function bitIsSet(forest: Forest, node: number, level: number): boolean {
  const offset = level - forest.bitsetFirstLevel[node]!;
  const byte = forest.bitsetBytes[forest.bitsetStart[node]! + (offset >> 3)]!;
  return (byte & (1 << (offset & 7))) !== 0;
}
