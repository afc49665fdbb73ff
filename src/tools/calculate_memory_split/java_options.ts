import { GiB, KiB, MiB } from "./sizes.js";

/** The heap settings found in a JVM command line or JAVA_TOOL_OPTIONS. */
export interface HeapSettings {
  /** Where the options came from: "current_java_options" or "pid 1234". */
  source: string;
  maxHeapBytes: number | null;
  maxRamPercentage: number | null;
}

const javaUnits: Record<string, number> = { "": 1, k: KiB, m: MiB, g: GiB, t: 1024 * GiB };

/** A JVM size argument (`512m`, `2G`, `1048576`); JVM suffixes are always binary. */
export function parseJavaSize(text: string): number | null {
  const match = /^(\d+)([kmgt]?)$/i.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * javaUnits[match[2]!.toLowerCase()]!;
}

/** Later options win, as they do for the JVM. */
export function heapSettingsOf(options: readonly string[], source: string): HeapSettings {
  let maxHeapBytes: number | null = null;
  let maxRamPercentage: number | null = null;
  for (const option of options) {
    const xmx = /^-Xmx(.+)$/.exec(option) ?? /^-XX:MaxHeapSize=(.+)$/.exec(option);
    if (xmx) maxHeapBytes = parseJavaSize(xmx[1]!) ?? maxHeapBytes;
    const percentage = /^-XX:MaxRAMPercentage=([\d.]+)$/.exec(option);
    if (percentage) maxRamPercentage = Number(percentage[1]);
  }
  return { source, maxHeapBytes, maxRamPercentage };
}

export function splitJavaOptions(line: string): string[] {
  return line
    .replace(/^\s*(JAVA_TOOL_OPTIONS|JAVA_OPTS|JDK_JAVA_OPTIONS)=/, "")
    .replace(/^["']|["']$/g, "")
    .split(/\s+/)
    .filter((option) => option.length > 0);
}
