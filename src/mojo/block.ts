import type { MojoModel } from "./types.js";

/**
 * A scorer that scores many flat rows in one call, faster than one `score` per row (tree
 * models walk each tree for a block of rows while its nodes are in cache). Results must be
 * exactly those of `score`, row by row.
 */
export interface BlockScorer {
  /**
   * Scores rows `firstRow .. firstRow + rowCount - 1` of the row-major `rows` (each `rowWidth`
   * values, at least nFeatures) into `output` at `row * predsSize`, as `score` would.
   */
  scoreBlock(
    rows: Float64Array,
    rowWidth: number,
    firstRow: number,
    rowCount: number,
    offsets: ArrayLike<number> | undefined,
    output: Float64Array,
  ): void;
}

export function asBlockScorer(model: MojoModel): (MojoModel & BlockScorer) | null {
  return "scoreBlock" in model && typeof model.scoreBlock === "function"
    ? (model as MojoModel & BlockScorer)
    : null;
}
