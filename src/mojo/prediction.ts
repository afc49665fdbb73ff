/**
 * Classifier post-processing shared by the scorers, with h2o-genmodel's exact arithmetic:
 * balance-classes correction, the binomial threshold, and the multinomial arg-max whose ties
 * are broken by the class priors and a java.util.Random seeded from the row.
 */

/** Undoes class re-balancing on preds[1..nClasses] (probabilities), in place. */
export function correctProbabilities(
  preds: Float64Array,
  nClasses: number,
  priorClassDistrib: Float64Array,
  modelClassDistrib: Float64Array,
): void {
  let probabilitySum = 0;
  for (let c = 1; c <= nClasses; c++) {
    const prior = priorClassDistrib[c - 1]!;
    const sampled = modelClassDistrib[c - 1]!;
    if (prior !== 0 && sampled !== 0) preds[c] = preds[c]! * (prior / sampled);
    probabilitySum += preds[c]!;
  }
  if (probabilitySum > 0) {
    for (let c = 1; c <= nClasses; c++) preds[c] = preds[c]! / probabilitySum;
  }
}

/** The label index for preds[1..nClasses], as GenModel.getPrediction. */
export function predictLabel(
  preds: Float64Array,
  nClasses: number,
  priorClassDistrib: Float64Array | null,
  row: ArrayLike<number>,
  threshold: number,
): number {
  if (nClasses === 2) return preds[2]! >= threshold ? 1 : 0;
  return predictMultinomial(preds, nClasses, priorClassDistrib, row);
}

function predictMultinomial(
  preds: Float64Array,
  nClasses: number,
  priorClassDistrib: Float64Array | null,
  row: ArrayLike<number>,
): number {
  let best = 1;
  let tieCount = 0;
  for (let c = 2; c <= nClasses; c++) {
    if (preds[best]! < preds[c]!) {
      best = c;
      tieCount = 0;
    } else if (preds[best] === preds[c]) {
      tieCount++;
    }
  }
  if (tieCount === 0) return best - 1;
  return breakTie(preds, nClasses, priorClassDistrib, row, tieCount);
}

/**
 * Ties are rare, so this path may allocate. The candidate list reproduces Java's: it starts
 * with class 0 and gathers every class equal to the best-so-far, and is never cleared when a
 * new best appears.
 */
function breakTie(
  preds: Float64Array,
  nClasses: number,
  priorClassDistrib: Float64Array | null,
  row: ArrayLike<number>,
  tieCount: number,
): number {
  const candidates = [0];
  let best = 1;
  for (let c = 2; c <= nClasses; c++) {
    if (preds[best]! < preds[c]!) best = c;
    else if (preds[best] === preds[c]) candidates.push(c - 1);
  }
  const hash = rowHash(row);

  if (priorClassDistrib !== null) {
    let priorSum = 0;
    for (const candidate of candidates) priorSum += priorClassDistrib[candidate]!;
    const draw = new JavaRandom(hash).nextDouble();
    let partialSum = 0;
    for (const candidate of candidates) {
      partialSum += priorClassDistrib[candidate]! / priorSum;
      if (draw <= partialSum) return candidate;
    }
  }

  const bestValue = preds[best]!;
  const low32 = Number(BigInt.asIntN(32, hash));
  let skip = low32 % (tieCount + 1);
  for (let c = 1; c <= nClasses; c++) {
    if (bestValue === preds[c] && --skip < 0) return c - 1;
  }
  return best - 1;
}

const scratch = new DataView(new ArrayBuffer(8));
const JAVA_NAN_BITS = 0x7ff8000000000000n;

/** XOR of each value's IEEE bits shifted right by 6, as GenModel hashes a row. */
function rowHash(row: ArrayLike<number>): bigint {
  let hash = 0n;
  for (let index = 0; index < row.length; index++) {
    const value = row[index]!;
    let bits: bigint;
    if (Number.isNaN(value)) {
      bits = JAVA_NAN_BITS;
    } else {
      scratch.setFloat64(0, value);
      bits = scratch.getBigInt64(0);
    }
    hash ^= BigInt.asIntN(64, bits) >> 6n;
  }
  return BigInt.asIntN(64, hash);
}

const MULTIPLIER = 0x5deece66dn;
const MASK_48 = (1n << 48n) - 1n;

/** java.util.Random's linear congruential generator, enough for nextDouble. */
export class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (BigInt.asUintN(64, seed) ^ MULTIPLIER) & MASK_48;
  }

  nextDouble(): number {
    const high = this.next(26);
    const low = this.next(27);
    return (high * 2 ** 27 + low) * 2 ** -53;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + 0xbn) & MASK_48;
    return Number(this.seed >> BigInt(48 - bits));
  }
}
