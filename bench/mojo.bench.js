// Rows per second of the native MOJO runtime (dist/), single-threaded, after warm-up: batch
// (scoreBatch over a flat array) and row at a time (one score() call per row). Java figures
// are quoted from the issue author's h2o-genmodel runs; no JVM jar is available here.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRowEncoder, loadMojo, scoreBatch } from "../dist/mojo/index.js";
import { readCsvRecords } from "../dist/mojo/csv.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, "../../shared/fixtures/h2o-mojo");
const RUN_SECONDS = 0.5;
const RUNS = 5;
const WARMUP_ROWS = 300_000;

const cases = [
  {
    name: "GBM gbm_prostate (50 trees, 1.20)",
    mojo: "h2o-3/mojos/gbm_prostate.zip",
    data: "h2o-3/data/prostate.csv",
    javaRowsPerSecond: 390_000,
  },
  {
    name: "DRF titanic (mojoland 1.40)",
    mojo: "mojoland/mojos/drf/titanic/v1.40/drf_v1.40_titanic.mojo",
    data: "mojoland/datasets/titanic.csv",
    javaRowsPerSecond: null,
  },
  {
    name: "GLM glm_prostate (1.00)",
    mojo: "h2o-3/mojos/glm_prostate.zip",
    data: "h2o-3/data/prostate.csv",
    javaRowsPerSecond: 35_000_000,
  },
  {
    name: "GBM titanic (mojoland 1.40)",
    mojo: "mojoland/mojos/gbm/titanic/v1.40/gbm_v1.40_titanic.mojo",
    data: "mojoland/datasets/titanic.csv",
    javaRowsPerSecond: 40_000,
  },
];

function rowsOf(model, csvPath) {
  const records = readCsvRecords(readFileSync(csvPath, "utf8"), csvPath);
  const encode = createRowEncoder(model.meta);
  return records.map((record) => encode(record));
}

/**
 * Scores until `WARMUP_ROWS` have gone through (so V8 has optimised the scorer), then times
 * `RUNS` runs of `RUN_SECONDS` each and keeps the best: on a shared machine the slow runs measure
 * the neighbours, not the scorer. Each pass returns a value folded into a local sink, so the
 * work cannot be optimised away.
 */
function rowsPerSecond(pass, rowsPerPass) {
  let sink = 0;
  for (let warmed = 0; warmed < WARMUP_ROWS; warmed += rowsPerPass) sink += pass();
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    let rows = 0;
    let elapsed = 0;
    const started = process.hrtime.bigint();
    while (elapsed < RUN_SECONDS) {
      sink += pass();
      rows += rowsPerPass;
      elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    }
    best = Math.max(best, rows / elapsed);
  }
  return { rowsPerSecond: best, sink };
}

function measure(testCase) {
  const model = loadMojo(join(fixtures, testCase.mojo));
  const rows = rowsOf(model, join(fixtures, testCase.data));
  const width = model.meta.nFeatures;
  const flat = new Float64Array(rows.length * width);
  rows.forEach((row, index) => flat.set(row, index * width));
  const preds = new Float64Array(model.predsSize);

  // score() zeroes and fills `preds` itself, as h2o-genmodel's score0 does.
  const rowAtATime = rowsPerSecond(() => {
    let sum = 0;
    for (let index = 0; index < rows.length; index++) {
      model.score(rows[index], preds, 0);
      sum += preds[preds.length - 1];
    }
    return sum;
  }, rows.length);
  const batch = rowsPerSecond(() => scoreBatch(model, flat)[0], rows.length);
  return {
    rowAtATime: rowAtATime.rowsPerSecond,
    batch: batch.rowsPerSecond,
    rows: rows.length,
    sink: rowAtATime.sink + batch.sink,
  };
}

const format = (value) => (value === null ? "n/a" : Math.round(value).toLocaleString("en-US"));

if (!existsSync(fixtures)) {
  console.log(`mojo.bench: skipped, fixtures absent at ${fixtures}`);
} else {
  const table = [];
  for (const testCase of cases) {
    const result = measure(testCase);
    table.push({
      model: testCase.name,
      rows: result.rows,
      "row-at-a-time rows/s": format(result.rowAtATime),
      "batch rows/s": format(result.batch),
      "Java rows/s (quoted)": format(testCase.javaRowsPerSecond),
      "row-at-a-time / Java": testCase.javaRowsPerSecond
        ? (result.rowAtATime / testCase.javaRowsPerSecond).toFixed(2)
        : "n/a",
      "batch / Java": testCase.javaRowsPerSecond
        ? (result.batch / testCase.javaRowsPerSecond).toFixed(2)
        : "n/a",
    });
  }
  console.log(
    `MOJO scoring, single-threaded, Node ${process.version}, best of ${RUNS} runs of ` +
      `${RUN_SECONDS} s after ${WARMUP_ROWS.toLocaleString("en-US")} warm-up rows`,
  );
  console.table(table);
  console.log(
    "Java: h2o-genmodel row at a time, single-threaded, as measured by the issue author; " +
      "not re-measured here (no h2o-genmodel jar available).",
  );
}
