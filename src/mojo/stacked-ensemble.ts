import { InfoReader } from "./ini.js";
import { loadMojoFromSource } from "./load.js";
import { checkScoreArgs } from "./row.js";
import { MojoError } from "./types.js";
import type { ModelIni, MojoMetadata, MojoModel, MojoSource } from "./types.js";

interface BaseModel {
  model: MojoModel;
  /** For each of the base model's features, the ensemble column that feeds it. */
  sourceColumn: Int32Array;
  row: Float64Array;
  preds: Float64Array;
}

/**
 * Scores an H2O Stacked Ensemble MOJO: every base model (nested MOJOs under `models/`) scores
 * the row with its columns picked by name, their outputs (p1 for binomial, every class
 * probability for multinomial, the value for regression; optionally logit-transformed) form
 * the metalearner's row, and the metalearner's prediction is the ensemble's.
 */
export function createStackedEnsembleModel(
  source: MojoSource,
  ini: ModelIni,
  meta: MojoMetadata,
): MojoModel {
  const where = `${source.location}: model.ini`;
  const info = new InfoReader(ini.info, where);
  const loadSubmodel = submodelLoader(source, info, where);

  const transform = info.string("metalearner_transform", "NONE");
  if (transform !== "NONE" && transform !== "Logit") {
    throw new MojoError(
      "unsupported-algorithm",
      `${where}: metalearner_transform "${transform}" is not supported (NONE or Logit)`,
    );
  }
  const metalearner = loadSubmodel(info.string("metalearner"));
  const baseCount = info.integer("base_models_num", 0);
  const bases: (BaseModel | null)[] = [];
  for (let index = 0; index < baseCount; index++) {
    // An ensemble may keep only the base models its metalearner uses.
    const key = info.has(`base_model${index}`) ? info.string(`base_model${index}`) : null;
    bases.push(key === null ? null : baseModel(loadSubmodel(key), key, ini.columns, meta, where));
  }
  return new StackedEnsembleModel(meta, metalearner, bases, transform === "Logit");
}

function submodelLoader(
  source: MojoSource,
  info: InfoReader,
  where: string,
): (key: string) => MojoModel {
  const directories = new Map<string, string>();
  const count = info.integer("submodel_count", 0);
  for (let index = 0; index < count; index++) {
    directories.set(info.string(`submodel_key_${index}`), info.string(`submodel_dir_${index}`));
  }
  return (key) => {
    const directory = directories.get(key);
    if (directory === undefined) {
      throw new MojoError("corrupt", `${where}: model "${key}" is not among the submodels`);
    }
    return loadMojoFromSource(source.sub(directory));
  };
}

function baseModel(
  model: MojoModel,
  key: string,
  columns: string[],
  meta: MojoMetadata,
  where: string,
): BaseModel {
  const sourceColumn = Int32Array.from(model.meta.features, (feature) => {
    const column = columns.indexOf(feature);
    if (column < 0 || column >= meta.nFeatures) {
      throw new MojoError(
        "corrupt",
        `${where}: base model "${key}" reads column "${feature}", which the ensemble lacks`,
      );
    }
    return column;
  });
  return {
    model,
    sourceColumn,
    row: new Float64Array(model.meta.nFeatures),
    preds: new Float64Array(model.predsSize),
  };
}

class StackedEnsembleModel implements MojoModel {
  readonly predsSize: number;
  readonly retainedBytes: number;
  private readonly predsNeeded: number;
  private readonly levelOne: Float64Array;

  constructor(
    readonly meta: MojoMetadata,
    private readonly metalearner: MojoModel,
    private readonly bases: (BaseModel | null)[],
    private readonly logitTransform: boolean,
  ) {
    const classes = meta.nClasses;
    this.predsSize = classes > 1 ? classes + 1 : 2;
    this.predsNeeded = classes > 1 ? classes + 1 : 1;
    const perBase = classes > 2 ? classes : 1;
    this.levelOne = new Float64Array(bases.length * perBase);
    if (metalearner.meta.nFeatures !== this.levelOne.length) {
      throw new MojoError(
        "corrupt",
        `metalearner of the ensemble reads ${metalearner.meta.nFeatures} values, but ` +
          `${bases.length} base models give ${this.levelOne.length}`,
      );
    }
    this.retainedBytes = bases.reduce(
      (sum, base) => sum + (base === null ? 0 : base.model.retainedBytes),
      metalearner.retainedBytes + this.levelOne.byteLength,
    );
  }

  score(row: ArrayLike<number>, preds: Float64Array, offset = 0): Float64Array {
    if (offset !== 0) {
      throw new MojoError("bad-row", `stacked ensembles take no offset; ${offset} given`);
    }
    checkScoreArgs(this.meta, row, preds, this.predsNeeded);
    const classes = this.meta.nClasses;
    const levelOne = this.levelOne;
    levelOne.fill(0);

    for (let index = 0; index < this.bases.length; index++) {
      const base = this.bases[index]!;
      if (base === null) continue;
      for (let feature = 0; feature < base.row.length; feature++) {
        base.row[feature] = row[base.sourceColumn[feature]!]!;
      }
      base.preds.fill(0);
      base.model.score(base.row, base.preds);
      if (classes > 2) {
        for (let level = 0; level < classes; level++) {
          levelOne[index * classes + level] = base.preds[level + 1]!;
        }
      } else {
        levelOne[index] = base.preds[classes === 2 ? 2 : 0]!;
      }
    }

    if (this.logitTransform && classes > 1) {
      for (let index = 0; index < levelOne.length; index++) {
        levelOne[index] = logit(Math.min(1 - 1e-9, Math.max(levelOne[index]!, 1e-9)));
      }
    }
    return this.metalearner.score(levelOne, preds);
  }
}

function logit(probability: number): number {
  const odds = probability / (1 - probability);
  return odds === 0 ? -19 : Math.max(-19, Math.log(odds));
}
