import { MojoError, type MojoSource } from "../types.js";
import {
  BITSET_SPLIT,
  NA_LEFT,
  NA_VS_REST,
  NO_TREE,
  packForest,
  RANGE_CHECKED,
  type Forest,
} from "./forest.js";

const ROOT_LEAF_COLUMN = 0xffff;
const NA_SPLIT_NA_VS_REST = 1;
const NA_SPLIT_NA_LEFT = 2;
const NA_SPLIT_LEFT = 4;

export interface ForestLayout {
  mojoVersion: number;
  treeGroups: number;
  treesPerGroup: number;
  nFeatures: number;
  domains: (string[] | null)[];
}

/** Reads every `trees/tCC_GGG.bin` of a tree MOJO once and flattens it into a Forest. */
export function decodeForest(source: MojoSource, layout: ForestLayout): Forest {
  // Exactly as h2o-genmodel picks its tree walker: 1.0 and 1.1 are frozen, all else is current.
  const scoring = layout.mojoVersion === 1.0 ? 0 : layout.mojoVersion === 1.1 ? 1 : 2;
  const builder = new ForestBuilder(scoring, layout.nFeatures);
  const roots = new Int32Array(layout.treeGroups * layout.treesPerGroup).fill(NO_TREE);
  // Class-major, the order scoring visits the trees, so one class's trees lie together.
  for (let classIndex = 0; classIndex < layout.treesPerGroup; classIndex++) {
    for (let group = 0; group < layout.treeGroups; group++) {
      const name = treeFileName(classIndex, group);
      if (!source.has(name)) continue;
      const reader = new TreeReader(source.bytes(name), `${source.location}: ${name}`);
      roots[classIndex * layout.treeGroups + group] = builder.readTree(reader);
    }
  }

  const levelLimit = new Float64Array(layout.nFeatures).fill(Infinity);
  if (scoring === 2) {
    for (let column = 0; column < layout.nFeatures; column++) {
      const domain = layout.domains[column];
      if (domain) levelLimit[column] = domain.length;
    }
  }
  return packForest({ ...builder.finish(), scoring, roots, levelLimit, ...layoutCounts(layout) });
}

function layoutCounts(layout: ForestLayout): { treeGroups: number; treesPerGroup: number } {
  return { treeGroups: layout.treeGroups, treesPerGroup: layout.treesPerGroup };
}

export function treeFileName(classIndex: number, group: number): string {
  return `trees/t${String(classIndex).padStart(2, "0")}_${String(group).padStart(3, "0")}.bin`;
}

class TreeReader {
  private view: DataView;
  position = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  private need(count: number): number {
    const start = this.position;
    if (start + count > this.bytes.byteLength) {
      throw this.corrupt(`ends after ${this.bytes.byteLength} bytes, in the middle of a node`);
    }
    this.position += count;
    return start;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u24(): number {
    const at = this.need(3);
    return this.view.getUint16(at, true) | (this.view.getUint8(at + 2) << 16);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  f32(): number {
    return this.view.getFloat32(this.need(4), true);
  }

  skip(count: number): number {
    return this.need(count);
  }

  corrupt(detail: string): MojoError {
    return new MojoError("corrupt", `${this.where} ${detail}; the MOJO is damaged`);
  }
}

class ForestBuilder {
  private column: number[] = [];
  private flags: number[] = [];
  private threshold: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private bitsetStart: number[] = [];
  private bitsetFirstLevel: number[] = [];
  private bitsetLevels: number[] = [];
  private rangeNode: number[] = [];
  private bitsetBytes: number[] = [];
  private leafValue: number[] = [];

  constructor(
    private readonly scoring: 0 | 1 | 2,
    private readonly nFeatures: number,
  ) {}

  readTree(reader: TreeReader): number {
    const root = this.readNode(reader, -1);
    if (reader.position !== reader.length) {
      throw reader.corrupt(`has ${reader.length - reader.position} bytes after the tree's end`);
    }
    return root;
  }

  private leaf(value: number): number {
    this.leafValue.push(value);
    return -this.leafValue.length;
  }

  /** Parses the node at the reader's position; `bitsetNode` is the last bitset on the path. */
  private readNode(reader: TreeReader, bitsetNode: number): number {
    const nodeType = reader.u8();
    const column = reader.u16();
    if (column === ROOT_LEAF_COLUMN) return this.leaf(reader.f32());
    if (column >= this.nFeatures) {
      throw reader.corrupt(`splits on column ${column}, past the ${this.nFeatures} features`);
    }
    const naSplit = reader.u8();
    const naVsRest = naSplit === NA_SPLIT_NA_VS_REST;
    const splitKind = nodeType & 0x0c;
    if (splitKind === 4) throw reader.corrupt("uses the retired equality split");

    const node = this.column.length;
    let flags = naVsRest ? NA_VS_REST : 0;
    if (naSplit === NA_SPLIT_NA_LEFT || naSplit === NA_SPLIT_LEFT) flags |= NA_LEFT;
    let threshold = 0;
    let start = 0;
    let firstLevel = 0;
    let levels = 0;
    if (!naVsRest && splitKind === 0) {
      threshold = reader.f32();
    } else if (!naVsRest) {
      flags |= BITSET_SPLIT;
      if (splitKind === 8) {
        levels = 32;
      } else {
        firstLevel = reader.u16();
        levels = this.scoring === 2 ? reader.i32() : reader.u16() * 8;
        if (levels < 0) throw reader.corrupt(`declares a bitset of ${levels} levels`);
      }
      start = this.bitsetBytes.length;
      const byteCount = levels === 0 ? 0 : ((levels - 1) >> 3) + 1;
      const at = reader.skip(byteCount);
      for (let index = 0; index < byteCount; index++)
        this.bitsetBytes.push(reader.bytes[at + index]!);
      bitsetNode = node;
    }
    // Java reuses the last bitset it read: a NA-vs-rest node on a factor checks its range.
    if (this.scoring > 0 && splitKind !== 0 && bitsetNode >= 0) flags |= RANGE_CHECKED;

    this.column.push(column);
    this.flags.push(flags);
    this.threshold.push(threshold);
    this.left.push(0);
    this.right.push(0);
    this.bitsetStart.push(start);
    this.bitsetFirstLevel.push(firstLevel);
    this.bitsetLevels.push(levels);
    this.rangeNode.push(bitsetNode < 0 ? node : bitsetNode);

    this.left[node] = this.readLeft(reader, nodeType, bitsetNode);
    this.right[node] = this.readRight(reader, nodeType, bitsetNode);
    return node;
  }

  private readLeft(reader: TreeReader, nodeType: number, bitsetNode: number): number {
    const leftKind = nodeType & 0x30;
    if (leftKind === 0x30) return this.leaf(reader.f32());
    if (leftKind !== 0) throw reader.corrupt(`has node type ${nodeType}, an unknown left child`);
    const width = (nodeType & 0x03) + 1;
    const size =
      width === 1
        ? reader.u8()
        : width === 2
          ? reader.u16()
          : width === 3
            ? reader.u24()
            : reader.i32();
    const expectedEnd = reader.position + size;
    const child = this.readNode(reader, bitsetNode);
    if (reader.position !== expectedEnd) {
      throw reader.corrupt(`has a left subtree of ${size} bytes that parses differently`);
    }
    return child;
  }

  private readRight(reader: TreeReader, nodeType: number, bitsetNode: number): number {
    const rightKind = nodeType & 0xc0;
    if (rightKind === 0xc0) return this.leaf(reader.f32());
    if (rightKind !== 0) throw reader.corrupt(`has node type ${nodeType}, an unknown right child`);
    return this.readNode(reader, bitsetNode);
  }

  finish(): Omit<
    Forest,
    | "scoring"
    | "roots"
    | "levelLimit"
    | "treeGroups"
    | "treesPerGroup"
    | "packed"
    | "packedThreshold"
    | "fastBitsets"
    | "bitsetWords"
  > {
    return {
      column: Int32Array.from(this.column),
      flags: Uint8Array.from(this.flags),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      bitsetStart: Int32Array.from(this.bitsetStart),
      bitsetFirstLevel: Int32Array.from(this.bitsetFirstLevel),
      bitsetLevels: Int32Array.from(this.bitsetLevels),
      rangeNode: Int32Array.from(this.rangeNode),
      bitsetBytes: Uint8Array.from(this.bitsetBytes),
      leafValue: Float32Array.from(this.leafValue),
    };
  }
}
