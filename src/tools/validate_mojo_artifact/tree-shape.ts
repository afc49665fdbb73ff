import { InfoReader } from "../../mojo/ini.js";
import { treesPerClass } from "../../mojo/metadata.js";
import { decodeForest } from "../../mojo/tree/decode.js";
import { NO_TREE, type Forest } from "../../mojo/tree/forest.js";
import type { ModelIni, MojoMetadata, MojoSource } from "../../mojo/types.js";

export interface TreeShape {
  trees: number;
  decisionNodes: number;
  maxDepth: number;
  maxNodesPerTree: number;
  treeBytes: number;
  auxBytes: number;
}

const treeAlgorithms = new Set(["gbm", "drf", "isolationforest", "upliftdrf"]);

/**
 * Decodes every tree of a GBM/DRF-style MOJO (the runtime's decoder, which rejects bytes that
 * run past a tree's end) and measures depth and size, which drive POJO and latency risks.
 * Returns null for models that are not stored as H2O trees.
 */
export function measureTreeShape(
  source: MojoSource,
  ini: ModelIni,
  meta: MojoMetadata,
): TreeShape | null {
  if (!treeAlgorithms.has(meta.algo) || !("n_trees" in ini.info)) return null;
  const info = new InfoReader(ini.info, `${source.location}: model.ini`);
  const forest = decodeForest(source, {
    mojoVersion: Number(meta.mojoVersion),
    treeGroups: info.integer("n_trees"),
    treesPerGroup: treesPerClass(info, meta.nClasses),
    nFeatures: meta.nFeatures,
    domains: meta.domains,
  });

  let trees = 0;
  let maxDepth = 0;
  let maxNodesPerTree = 0;
  for (const root of forest.roots) {
    if (root === NO_TREE) continue;
    trees++;
    const { depth, nodes } = walk(forest, root);
    maxDepth = Math.max(maxDepth, depth);
    maxNodesPerTree = Math.max(maxNodesPerTree, nodes);
  }

  let treeBytes = 0;
  let auxBytes = 0;
  for (const name of source.list()) {
    if (!name.startsWith("trees/")) continue;
    const size = source.bytes(name).byteLength;
    if (name.endsWith("_aux.bin")) auxBytes += size;
    else treeBytes += size;
  }
  const decisionNodes = forest.column.length;
  return { trees, decisionNodes, maxDepth, maxNodesPerTree, treeBytes, auxBytes };
}

/** Depth counts decisions on the longest path; a stump (a lone leaf) has depth 0. */
function walk(forest: Forest, root: number): { depth: number; nodes: number } {
  if (root < 0) return { depth: 0, nodes: 0 };
  let depth = 0;
  let nodes = 0;
  const stack: [number, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, level);
    const left = forest.left[node]!;
    const right = forest.right[node]!;
    if (left >= 0) stack.push([left, level + 1]);
    if (right >= 0) stack.push([right, level + 1]);
  }
  return { depth, nodes };
}
