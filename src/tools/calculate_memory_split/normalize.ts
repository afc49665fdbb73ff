import { InputError } from "../../infra/errors.js";
import {
  calculatorDefaults,
  estimateLoadedClasses,
  metaspaceBytesFor,
  type BudgetInput,
  type Workload,
} from "./budget.js";
import type { DetectedLimit } from "./limit.js";
import type { Input } from "./schema.js";
import { MiB, parseQuantity, type Quantity } from "./sizes.js";

/**
 * Application classes assumed when loaded_classes and app_classes are both omitted. The MOJO
 * figure is the Paketo worked example's application; the H2O figure is a rough estimate for
 * h2o.jar with its bundled libraries, not a count.
 */
export const defaultAppClasses: Record<Workload, number> = {
  "h2o-training": 30_000,
  "h2o-training-xgboost": 30_000,
  "mojo-scoring": 5_000,
  "fastapi-mojo-scoring": 5_000,
};

/** An estimate for a uvicorn worker with numpy/pandas loaded; measure it with `pids`. */
export const defaultPythonWorkerBytes = 200 * MiB;

export interface NormalizedInput {
  budgetInput: BudgetInput;
  loadedClasses: { count: number; estimated: boolean; appClasses: number | null };
  pythonRssEstimated: boolean;
  modelBytes: number | null;
  datasetBytes: number | null;
}

function bytesOr(value: Quantity | undefined, fallback: number): number {
  return value === undefined ? fallback : parseQuantity(value);
}

/** Fills defaults and checks the fields that depend on each other. */
export function normalizeInput(input: Input, limit: DetectedLimit): NormalizedInput {
  const python = input.workload === "fastapi-mojo-scoring";
  if (!python && (input.python_workers !== undefined || input.python_worker_rss !== undefined)) {
    throw new InputError(
      input.python_workers !== undefined ? "python_workers" : "python_worker_rss",
      `applies only to workload fastapi-mojo-scoring, not ${input.workload}; drop it or ` +
        "change the workload",
    );
  }
  if (input.loaded_classes !== undefined && input.metaspace !== undefined) {
    throw new InputError(
      "loaded_classes",
      "give either loaded_classes (metaspace is computed from it) or metaspace, not both",
    );
  }

  const stackBytes = bytesOr(input.thread_stack_size, calculatorDefaults.stackBytes);
  if (stackBytes % 1024 !== 0) {
    throw new InputError(
      "thread_stack_size",
      `${stackBytes} B is not a whole number of KiB; the JVM sets stacks in KiB (e.g. 512Ki)`,
    );
  }

  const appClasses = input.app_classes ?? defaultAppClasses[input.workload];
  const estimated = input.loaded_classes === undefined;
  const loadedClassCount = input.loaded_classes ?? estimateLoadedClasses(appClasses);
  const metaspaceBytes =
    input.metaspace === undefined
      ? metaspaceBytesFor(loadedClassCount)
      : parseQuantity(input.metaspace);

  const budgetInput: BudgetInput = {
    limitBytes: limit.bytes,
    workload: input.workload,
    headroomPercent: input.headroom_percent ?? calculatorDefaults.headroomPercent,
    threadCount: input.jvm_threads ?? calculatorDefaults.threadCount,
    stackBytes,
    directMemoryBytes: bytesOr(input.direct_memory, calculatorDefaults.directMemoryBytes),
    codeCacheBytes: bytesOr(input.code_cache, calculatorDefaults.codeCacheBytes),
    metaspaceBytes,
    pythonWorkers: python ? (input.python_workers ?? 1) : 0,
    pythonWorkerBytes: python ? bytesOr(input.python_worker_rss, defaultPythonWorkerBytes) : 0,
  };
  return {
    budgetInput,
    loadedClasses: {
      count: loadedClassCount,
      estimated: estimated && input.metaspace === undefined,
      appClasses: estimated ? appClasses : null,
    },
    pythonRssEstimated: python && input.python_worker_rss === undefined,
    modelBytes: input.model_bytes === undefined ? null : parseQuantity(input.model_bytes),
    datasetBytes: input.dataset_bytes === undefined ? null : parseQuantity(input.dataset_bytes),
  };
}
