import type { MojoModel } from "./types.js";

/**
 * A scorer that scores many flat rows in one call, reading each row in place instead of
 * copying it out first, which is where batch scoring gains on one `score` per row. Results must
 * be exactly those of `score`, row by row.
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
