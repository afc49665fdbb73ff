/** The native MOJO runtime: load an H2O MOJO and score rows without a JVM. */
import { asBlockScorer } from "./block.js";
import { MojoError, type MojoModel } from "./types.js";

export * from "./types.js";
export { loadMojo, loadMojoFromSource, registerScorer, SCORERS } from "./load.js";
export type { ScorerFactory } from "./load.js";
export { openMojo, mojoSourceFromBytes } from "./source.js";
export { parseModelIni } from "./ini.js";
export { metadataFromIni, maxSupportedMojoVersion } from "./metadata.js";
export { createRowEncoder, rowFromRecord } from "./row.js";
export type { RecordValue } from "./row.js";

export interface ScoreBatchOptions {
  /** One offset per row (GBM and GLM add it to the linear predictor). */
  offsets?: ArrayLike<number>;
  /** Values per row when `rows` is one flat row-major array; default `meta.nFeatures`. */
  rowWidth?: number;
}

/**
 * Scores many rows. `rows` is either an array of rows or one flat row-major Float64Array.
 * Returns the predictions row-major: row i's score0 array is at [i * predsSize, (i+1) * predsSize).
 */
export function scoreBatch(
  model: MojoModel,
  rows: ArrayLike<number>[] | Float64Array,
  options: ScoreBatchOptions = {},
): Float64Array {
  const predsSize = model.predsSize;
  const rowWidth = options.rowWidth ?? model.meta.nFeatures;
  const flat = rows instanceof Float64Array;
  if (flat && rowWidth > 0 && rows.length % rowWidth !== 0) {
    throw new MojoError(
      "bad-row",
      `flat input has ${rows.length} values, not a multiple of the row width ${rowWidth}`,
    );
  }
  const rowCount = flat ? (rowWidth > 0 ? rows.length / rowWidth : 0) : rows.length;
  const offsets = options.offsets;
  if (offsets !== undefined && offsets.length !== rowCount) {
    throw new MojoError("bad-row", `${offsets.length} offsets given for ${rowCount} rows`);
  }

  const blockScorer = asBlockScorer(model);
  if (flat && blockScorer !== null && rowWidth >= model.meta.nFeatures) {
    const output = new Float64Array(rowCount * predsSize);
    blockScorer.scoreBlock(rows, rowWidth, 0, rowCount, offsets, output);
    return output;
  }

  // Plain loops instead of fill/set: for a few values the builtin calls cost more than the copy.
  const output = new Float64Array(rowCount * predsSize);
  const preds = new Float64Array(predsSize);
  const rowBuffer = new Float64Array(rowWidth);
  for (let index = 0; index < rowCount; index++) {
    let row: ArrayLike<number>;
    if (flat) {
      const start = index * rowWidth;
      for (let column = 0; column < rowWidth; column++) rowBuffer[column] = rows[start + column]!;
      row = rowBuffer;
    } else {
      row = rows[index]!;
    }
    for (let slot = 0; slot < predsSize; slot++) preds[slot] = 0;
    model.score(row, preds, offsets === undefined ? 0 : offsets[index]!);
    const outputStart = index * predsSize;
    for (let slot = 0; slot < predsSize; slot++) output[outputStart + slot] = preds[slot]!;
  }
  return output;
}
