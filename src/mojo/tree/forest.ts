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
  /** Leaf values are float32 in the MOJO; widening on read gives the same doubles as Java. */
  readonly leafValue: Float32Array;
  /** Per column: its number of levels, or +Infinity when numeric (format >= 1.20 only). */
  readonly levelLimit: Float64Array;
  /**
   * The scoring copy of the node table, four int32 per node so one step reads one cache line:
   * `column * 4 + kind`, the threshold's float32 bits (for a FAST_BITSET node: its record in
   * `fastBitsets`), the left and the right child.
   */
  readonly packed: Int32Array;
  /** `packed` seen as float32, to read the thresholds. */
  readonly packedThreshold: Float32Array;
  /**
   * Four int32 per FAST_BITSET node: first level; levels past it that are in range and in the
   * domain; first word in `bitsetWords`; 1 when a missing or out-of-range value goes right.
   */
  readonly fastBitsets: Int32Array;
  /** Those nodes' bitsets, each starting on a word; level `first + i` is bit i. */
  readonly bitsetWords: Uint32Array;
}

/** Node kinds in `packed`, each a shortcut equal to the general rules for its nodes. */
const NUMERIC_NA_LEFT = 0;
const NUMERIC_NA_RIGHT = 1;
/** A bitset split whose range and domain checks collapse into `bitsetEnd`. */
const FAST_BITSET = 2;
const GENERAL = 3;

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
    forest.packed,
    forest.fastBitsets,
    forest.bitsetWords,
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

type UnpackedForest = Omit<Forest, "packed" | "packedThreshold" | "fastBitsets" | "bitsetWords">;

/** Adds the scoring copy of the node table, choosing each node's kind once. */
export function packForest(forest: UnpackedForest): Forest {
  const nodeCount = forest.column.length;
  const packed = new Int32Array(nodeCount * 4);
  const packedThreshold = new Float32Array(packed.buffer);
  const fastBitsets: number[] = [];
  const bitsetWords: number[] = [];
  for (let node = 0; node < nodeCount; node++) {
    const column = forest.column[node]!;
    const kind = nodeKind(forest, node);
    packed[node * 4] = column * 4 + kind;
    if (kind === FAST_BITSET) {
      packed[node * 4 + 1] = fastBitsets.length;
      const firstLevel = forest.bitsetFirstLevel[node]!;
      const levels = forest.bitsetLevels[node]!;
      const inDomain = forest.levelLimit[column]! - firstLevel;
      const naGoesRight = (forest.flags[node]! & NA_LEFT) === 0 ? 1 : 0;
      const end = Math.max(0, Math.min(levels, inDomain));
      fastBitsets.push(firstLevel, end, bitsetWords.length, naGoesRight);
      appendWords(bitsetWords, forest.bitsetBytes, forest.bitsetStart[node]!, (levels + 7) >> 3);
    } else {
      packedThreshold[node * 4 + 1] = forest.threshold[node]!;
    }
    packed[node * 4 + 2] = forest.left[node]!;
    packed[node * 4 + 3] = forest.right[node]!;
  }
  return {
    ...forest,
    packed,
    packedThreshold,
    fastBitsets: Int32Array.from(fastBitsets),
    bitsetWords: Uint32Array.from(bitsetWords),
  };
}

/** Little-endian words from bytes, so bit i of the bitset is bit i % 32 of word i / 32. */
function appendWords(words: number[], bytes: Uint8Array, start: number, byteCount: number): void {
  for (let at = 0; at < byteCount; at += 4) {
    let word = 0;
    for (let index = 0; index < 4 && at + index < byteCount; index++) {
      word |= bytes[start + at + index]! << (8 * index);
    }
    words.push(word >>> 0);
  }
}

function nodeKind(forest: UnpackedForest, node: number): number {
  const flags = forest.flags[node]!;
  if (forest.scoring === 0) {
    // Format 1.00 sends out-of-range levels left and throws on negative ones.
    if ((flags & (NA_VS_REST | BITSET_SPLIT)) !== 0) return GENERAL;
  } else if ((flags & NA_VS_REST) !== 0) {
    return GENERAL;
  } else if ((flags & BITSET_SPLIT) !== 0) {
    const ownRange = (flags & RANGE_CHECKED) !== 0 && forest.rangeNode[node] === node;
    return ownRange ? FAST_BITSET : GENERAL;
  } else if (forest.levelLimit[forest.column[node]!] !== Infinity) {
    // A threshold on a factor still sends levels past its domain the NA way.
    return GENERAL;
  }
  // The two numeric shortcuts differ from `value >= threshold` when the threshold is NaN.
  if (Number.isNaN(forest.threshold[node])) return GENERAL;
  return (flags & NA_LEFT) !== 0 ? NUMERIC_NA_LEFT : NUMERIC_NA_RIGHT;
}

/**
 * One tree's prediction for the row at `rows[rowStart]...`; `root` must not be NO_TREE.
 * The numeric kinds need no NaN test: a comparison with NaN is false, which picks the NA side
 * by how it is written.
 */
export function scoreTree(
  forest: Forest,
  root: number,
  rows: Float64Array,
  rowStart: number,
): number {
  const packed = forest.packed;
  const thresholds = forest.packedThreshold;
  let node = root;
  while (node >= 0) {
    const at = node << 2;
    const columnKind = packed[at]!;
    const value = rows[rowStart + (columnKind >> 2)]!;
    const kind = columnKind & 3;
    let goRight: boolean;
    if (kind === NUMERIC_NA_LEFT) goRight = value >= thresholds[at + 1]!;
    else if (kind === NUMERIC_NA_RIGHT) goRight = !(value < thresholds[at + 1]!);
    else if (kind === FAST_BITSET) goRight = decideBitset(forest, packed[at + 1]!, value);
    else goRight = decideGeneral(forest, node, value);
    node = packed[at + (goRight ? 3 : 2)]!;
  }
  return forest.leafValue[-node - 1]!;
}

function decideBitset(forest: Forest, record: number, value: number): boolean {
  const info = forest.fastBitsets;
  if (value !== value) return info[record + 3] === 1;
  const offset = javaInt(value) - info[record]!;
  if (offset < 0 || offset >= info[record + 1]!) return info[record + 3] === 1;
  const word = forest.bitsetWords[info[record + 2]! + (offset >>> 5)]!;
  return ((word >>> (offset & 31)) & 1) !== 0;
}

/** Every rule of the format's tree walker, for the nodes no shortcut covers. */
function decideGeneral(forest: Forest, node: number, value: number): boolean {
  const nodeFlags = forest.flags[node]!;
  if (value !== value) return (nodeFlags & NA_LEFT) === 0;
  if (forest.scoring === 0) return decideFormat100(forest, node, nodeFlags, value);
  if (isOutOfRange(forest, node, nodeFlags, value)) return (nodeFlags & NA_LEFT) === 0;
  if ((nodeFlags & NA_VS_REST) !== 0) return false;
  if ((nodeFlags & BITSET_SPLIT) !== 0) return bitIsSet(forest, node, javaInt(value));
  return value >= forest.threshold[node]!;
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
