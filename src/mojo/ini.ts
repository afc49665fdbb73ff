import { MojoError, type ModelIni, type MojoSource } from "./types.js";

type Section = "none" | "info" | "columns" | "domains";

/**
 * Parses model.ini and the domain files it names, with the rules of h2o-genmodel's reader:
 * `[info]` keys before `[columns]` (which needs `n_columns`), domain files with exactly the
 * declared number of levels, and domains of columns past `n_columns` ignored.
 */
export function parseModelIni(source: MojoSource): ModelIni {
  const where = `${source.location}: model.ini`;
  const info: Record<string, string> = {};
  const columns: string[] = [];
  let expectedColumns = -1;
  const domainFiles = new Map<number, string>();
  let section: Section = "none";

  for (const rawLine of source.text("model.ini").split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line === "[info]" || line === "[columns]" || line === "[domains]") {
      section = line.slice(1, -1) as Section;
      if (section === "columns") expectedColumns = columnCount(info, where);
      continue;
    }
    if (section === "info") {
      const match = /^(.*?)\s*=\s*(.*)$/.exec(line);
      if (match === null) throw new MojoError("corrupt", `${where}: "${line}" is not key = value`);
      info[match[1]!] = match[2]!;
    } else if (section === "columns") {
      if (columns.length >= expectedColumns) {
        throw new MojoError(
          "corrupt",
          `${where}: more columns listed than n_columns = ${expectedColumns}`,
        );
      }
      columns.push(line);
    } else if (section === "domains") {
      const match = /^(\d+):\s*(.*)$/.exec(line);
      if (match === null) {
        throw new MojoError("corrupt", `${where}: "${line}" is not "columnIndex: levels file"`);
      }
      domainFiles.set(Number(match[1]), match[2]!);
    } else {
      throw new MojoError("corrupt", `${where}: "${line}" appears before any [section]`);
    }
  }

  if (expectedColumns < 0) throw new MojoError("corrupt", `${where}: has no [columns] section`);
  if (columns.length !== expectedColumns) {
    throw new MojoError(
      "corrupt",
      `${where}: lists ${columns.length} columns but n_columns = ${expectedColumns}`,
    );
  }
  const unescape = info["escape_domain_values"] === "true";
  const domains: (string[] | null)[] = columns.map(() => null);
  for (const [columnIndex, spec] of domainFiles) {
    // The response's domain may be listed past n_columns; h2o-genmodel skips it too.
    if (columnIndex >= columns.length) continue;
    domains[columnIndex] = readDomain(source, columnIndex, spec, unescape);
  }
  return { info, columns, domains };
}

function columnCount(info: Record<string, string>, where: string): number {
  const raw = info["n_columns"];
  if (raw === undefined) {
    throw new MojoError("corrupt", `${where}: n_columns must appear in [info] before [columns]`);
  }
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) {
    throw new MojoError("corrupt", `${where}: n_columns = "${raw}" is not a column count`);
  }
  return count;
}

function readDomain(
  source: MojoSource,
  columnIndex: number,
  spec: string,
  unescape: boolean,
): string[] {
  const match = /^(\d+) (.+)$/.exec(spec);
  if (match === null) {
    throw new MojoError(
      "corrupt",
      `${source.location}: model.ini domain of column ${columnIndex} is "${spec}", ` +
        'expected "<levels> <file>"',
    );
  }
  const declaredLevels = Number(match[1]);
  const file = `domains/${match[2]}`;
  const lines = splitJavaLines(source.text(file));
  if (lines.length !== declaredLevels) {
    throw new MojoError(
      "corrupt",
      `${source.location}: ${file} has ${lines.length} levels, model.ini declares ` +
        `${declaredLevels} for column ${columnIndex}`,
    );
  }
  return unescape ? lines.map(unescapeLevel) : lines;
}

/** Lines as java.io.BufferedReader.readLine yields them: no empty line after a final break. */
function splitJavaLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Undoes h2o's newline escaping: `\n` is a line break, a backslash keeps the next char. */
function unescapeLevel(level: string): string {
  if (!level.includes("\\")) return level;
  let result = "";
  for (let index = 0; index < level.length; index++) {
    const char = level[index]!;
    if (char !== "\\") {
      result += char;
      continue;
    }
    index++;
    if (index >= level.length) break;
    result += level[index] === "n" ? "\n" : level[index];
  }
  return result;
}

/** Typed access to `[info]` values, written the way h2o's writer prints them. */
export class InfoReader {
  constructor(
    private readonly info: Record<string, string>,
    private readonly where: string,
  ) {}

  has(key: string): boolean {
    const raw = this.info[key];
    return raw !== undefined && raw !== "null";
  }

  string(key: string, fallback?: string): string {
    const raw = this.info[key];
    if (raw !== undefined && raw !== "null") return raw;
    if (fallback !== undefined) return fallback;
    throw this.missing(key);
  }

  number(key: string, fallback?: number): number {
    if (!this.has(key)) {
      if (fallback !== undefined) return fallback;
      throw this.missing(key);
    }
    return this.parseNumber(key, this.info[key]!);
  }

  integer(key: string, fallback?: number): number {
    const value = this.number(key, fallback);
    if (!Number.isInteger(value)) {
      throw new MojoError("corrupt", `${this.where}: ${key} = ${value} is not an integer`);
    }
    return value;
  }

  boolean(key: string, fallback?: boolean): boolean {
    if (!this.has(key)) {
      if (fallback !== undefined) return fallback;
      throw this.missing(key);
    }
    const raw = this.info[key]!;
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new MojoError("corrupt", `${this.where}: ${key} = "${raw}" is not true or false`);
  }

  /** A `[a, b, c]` list as Java's Arrays.toString prints it; null when absent or `null`. */
  numbers(key: string): number[] | null {
    if (!this.has(key)) return null;
    const raw = this.info[key]!;
    if (!raw.startsWith("[") || !raw.endsWith("]")) {
      throw new MojoError("corrupt", `${this.where}: ${key} = "${raw}" is not a [list]`);
    }
    const body = raw.slice(1, -1).trim();
    if (body === "") return [];
    return body.split(",").map((part) => this.parseNumber(key, part.trim()));
  }

  private parseNumber(key: string, raw: string): number {
    const value = raw === "" ? NaN : Number(raw);
    if (Number.isNaN(value) && raw !== "NaN") {
      throw new MojoError("corrupt", `${this.where}: ${key} = "${raw}" is not a number`);
    }
    return value;
  }

  private missing(key: string): MojoError {
    return new MojoError("corrupt", `${this.where}: [info] lacks the required key ${key}`);
  }
}
