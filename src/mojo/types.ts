/**
 * The public shape of the native MOJO runtime. Readers and scorers live beside this file; the
 * validate_mojo_artifact tool, the `score` command and library users see only these types.
 */

/** Raw access to the files of a MOJO, whether it is a zip or a folder. */
export interface MojoSource {
  /** Where the MOJO came from, for messages. */
  readonly location: string;
  has(name: string): boolean;
  /** Entry names, relative to the MOJO root, with `/` separators. */
  list(): string[];
  /** Throws MojoError("missing-file") when the entry is absent. */
  bytes(name: string): Uint8Array;
  text(name: string): string;
  /** A nested MOJO (Stacked Ensemble base models live under `models/<algo>/<key>/`). */
  sub(prefix: string): MojoSource;
}

/** model.ini, parsed: `[info]` values kept as strings, `[columns]`, and resolved domains. */
export interface ModelIni {
  info: Record<string, string>;
  columns: string[];
  /** One entry per column: the categorical levels, or null for a numeric column. */
  domains: (string[] | null)[];
}

export type MojoErrorReason =
  "unsupported-version" | "unsupported-algorithm" | "missing-file" | "corrupt" | "bad-row";

export class MojoError extends Error {
  readonly reason: MojoErrorReason;

  constructor(reason: MojoErrorReason, message: string) {
    super(message);
    this.name = "MojoError";
    this.reason = reason;
  }
}

export interface MojoMetadata {
  /** Full algorithm name from model.ini (`Gradient Boosting Machine`). */
  algorithm: string;
  /** Short name (`gbm`, `drf`, `glm`, ...), derived from `algorithm` when the key is absent. */
  algo: string;
  /** hex.ModelCategory: Binomial, Multinomial, Regression, AnomalyDetection, ... */
  category: string;
  mojoVersion: string;
  h2oVersion: string;
  nFeatures: number;
  nClasses: number;
  /** The first nFeatures columns, in the order `score` expects them. */
  features: string[];
  /** All [columns] entries, the response last when supervised. */
  columns: string[];
  domains: (string[] | null)[];
  responseColumn: string | null;
  /** The response's levels for classifiers. */
  classLabels: string[] | null;
  offsetColumn: string | null;
  /** Trees across all classes, for tree models; 0 otherwise. */
  treeCount: number;
  info: Record<string, string>;
}

export interface MojoModel {
  readonly meta: MojoMetadata;
  /**
   * Length of the prediction array `score` fills, as h2o-genmodel's getPredsSize: nClasses + 1
   * for classifiers (label index, then class probabilities), 2 for regression.
   */
  readonly predsSize: number;
  /** Bytes the decoded model holds in memory (typed arrays and tables), an estimate. */
  readonly retainedBytes: number;
  /**
   * Scores one row, in [columns] order (categoricals as level indices, NaN for missing), into
   * `preds`, like h2o-genmodel's score0. Allocates nothing per call. Throws MojoError("bad-row")
   * where the Java runtime would throw.
   */
  score(row: ArrayLike<number>, preds: Float64Array, offset?: number): Float64Array;
}
