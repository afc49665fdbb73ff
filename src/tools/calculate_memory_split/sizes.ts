/**
 * Memory quantities as callers write them. Container limits come from Kubernetes, so the
 * suffixes follow its rules: `Ki`/`Mi`/`Gi`/`Ti` are powers of two, `k`/`M`/`G`/`T` powers of
 * ten (1G = 1,000,000,000 bytes). JVM flags, on the other hand, always mean powers of two.
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

const multipliers: Record<string, number> = {
  "": 1,
  Ki: KiB,
  Mi: MiB,
  Gi: GiB,
  Ti: 1024 * GiB,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

const quantityPattern = /^\s*(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T)?\s*$/;

export type Quantity = number | string;

/** Why a quantity string cannot be read, or undefined when it can. */
export function quantityProblem(value: string): string | undefined {
  if (/^\s*\d+(?:\.\d+)?\s*[mgt]b?\s*$/.test(value) || /[KMGT]i?B$/i.test(value.trim())) {
    return (
      `cannot read "${value}": write a Kubernetes quantity such as 4Gi or 512Mi ` +
      "(powers of two) or 4G / 512M (powers of ten), or a plain byte count"
    );
  }
  if (!quantityPattern.test(value)) {
    return `cannot read "${value}": expected a byte count or a quantity like 4Gi, 512Mi, 1G, 800M`;
  }
  return undefined;
}

/** Bytes in a quantity; the caller has validated it (see quantityProblem). */
export function parseQuantity(value: Quantity): number {
  if (typeof value === "number") return Math.floor(value);
  const match = quantityPattern.exec(value);
  if (!match) throw new Error(quantityProblem(value));
  return Math.floor(Number(match[1]) * multipliers[match[2] ?? ""]!);
}

/** A short human form for logs and titles: "419.2 MiB". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= GiB) return `${round1(bytes / GiB)} GiB`;
  if (abs >= MiB) return `${round1(bytes / MiB)} MiB`;
  if (abs >= KiB) return `${round1(bytes / KiB)} KiB`;
  return `${bytes} B`;
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A JVM flag value: the largest binary unit that divides it exactly, else plain bytes. */
export function jvmSize(bytes: number): string {
  if (bytes > 0 && bytes % GiB === 0) return `${bytes / GiB}g`;
  if (bytes > 0 && bytes % MiB === 0) return `${bytes / MiB}m`;
  if (bytes > 0 && bytes % KiB === 0) return `${bytes / KiB}k`;
  return String(bytes);
}

export function alignDown(bytes: number, alignment: number): number {
  return Math.floor(bytes / alignment) * alignment;
}

export function alignUp(bytes: number, alignment: number): number {
  return Math.ceil(bytes / alignment) * alignment;
}
