import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { crc32 } from "node:zlib";
import { unzipSync } from "fflate";
import { MojoError, type MojoSource } from "./types.js";

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const utf8 = new TextDecoder("utf-8");

/**
 * Opens a MOJO given as a zip file or as an unpacked folder. Throws MojoError("missing-file")
 * when the path does not exist and MojoError("corrupt") when a zip cannot be read.
 */
export function openMojo(path: string): MojoSource {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new MojoError("missing-file", `MOJO not found at ${path}: check the path`);
  }
  if (isFolder) return new FolderSource(path, path, "");
  return mojoSourceFromBytes(readFileSync(path), path);
}

/** A zip MOJO already in memory; `location` names it in messages. */
export function mojoSourceFromBytes(bytes: Uint8Array, location: string): MojoSource {
  return new ZipSource(new ZipArchive(bytes, location), location, "");
}

function normaliseEntryName(name: string, location: string): string {
  const parts = name.replaceAll("\\", "/").split("/");
  if (parts.includes("..")) {
    throw new MojoError("corrupt", `${location}: entry name "${name}" leaves the MOJO root`);
  }
  return parts.filter((part) => part !== "" && part !== ".").join("/");
}

/**
 * The zip's entries with the CRC-32 its central directory records. fflate inflates but does
 * not check CRCs, and a flipped bit inside a stored tree would otherwise score wrong numbers.
 */
class ZipArchive {
  private readonly expectedCrc = new Map<string, number>();
  private readonly inflated = new Map<string, Uint8Array>();

  constructor(
    private readonly zipBytes: Uint8Array,
    private readonly location: string,
  ) {
    this.readCentralDirectory();
    // Aux node statistics are large and never needed for scoring: inflate them on request.
    this.inflate((name) => !name.endsWith("_aux.bin"));
  }

  names(): string[] {
    return [...this.expectedCrc.keys()];
  }

  has(name: string): boolean {
    return this.expectedCrc.has(name);
  }

  entry(name: string): Uint8Array | undefined {
    if (!this.expectedCrc.has(name)) return undefined;
    if (!this.inflated.has(name)) this.inflate((entryName) => entryName === name);
    return this.inflated.get(name);
  }

  private inflate(wanted: (name: string) => boolean): void {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(this.zipBytes, {
        filter: (file) => !file.name.endsWith("/") && wanted(file.name),
      });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new MojoError("corrupt", `${this.location}: cannot unzip (${detail})`);
    }
    for (const [rawName, data] of Object.entries(files)) {
      const name = normaliseEntryName(rawName, this.location);
      const expected = this.expectedCrc.get(name);
      if (expected !== undefined && crc32(data) !== expected) {
        throw new MojoError(
          "corrupt",
          `${this.location}: entry ${name} fails its CRC-32 check; the file is damaged, ` +
            "export the MOJO again",
        );
      }
      this.inflated.set(name, data);
    }
  }

  private readCentralDirectory(): void {
    const view = new DataView(
      this.zipBytes.buffer,
      this.zipBytes.byteOffset,
      this.zipBytes.byteLength,
    );
    const endOffset = this.findEndOfCentralDirectory(view);
    const entryCount = view.getUint16(endOffset + 10, true);
    let offset = view.getUint32(endOffset + 16, true);
    if (entryCount === 0xffff || offset === 0xffffffff) {
      throw new MojoError(
        "corrupt",
        `${this.location}: is a ZIP64 archive, which MOJOs never are; re-export the model`,
      );
    }
    for (let index = 0; index < entryCount; index++) {
      if (
        offset + 46 > view.byteLength ||
        view.getUint32(offset, true) !== CENTRAL_DIRECTORY_ENTRY
      ) {
        throw new MojoError("corrupt", `${this.location}: zip central directory is damaged`);
      }
      const crc = view.getUint32(offset + 16, true);
      const nameBytes = view.getUint16(offset + 28, true);
      const extraBytes = view.getUint16(offset + 30, true);
      const commentBytes = view.getUint16(offset + 32, true);
      const rawName = utf8.decode(this.zipBytes.subarray(offset + 46, offset + 46 + nameBytes));
      if (!rawName.endsWith("/")) {
        this.expectedCrc.set(normaliseEntryName(rawName, this.location), crc);
      }
      offset += 46 + nameBytes + extraBytes + commentBytes;
    }
  }

  private findEndOfCentralDirectory(view: DataView): number {
    const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
    for (let offset = view.byteLength - 22; offset >= lowest; offset--) {
      if (view.getUint32(offset, true) === END_OF_CENTRAL_DIRECTORY) return offset;
    }
    throw new MojoError(
      "corrupt",
      `${this.location}: not a zip file (no end-of-central-directory record); ` +
        "a MOJO is the zip H2O exports, or its unpacked folder",
    );
  }
}

abstract class PrefixedSource implements MojoSource {
  constructor(
    readonly location: string,
    protected readonly prefix: string,
  ) {}

  protected abstract rootNames(): string[];
  protected abstract exists(fullName: string): boolean;
  protected abstract read(fullName: string): Uint8Array | undefined;
  abstract sub(prefix: string): MojoSource;

  list(): string[] {
    return this.rootNames()
      .filter((name) => name.startsWith(this.prefix))
      .map((name) => name.slice(this.prefix.length));
  }

  has(name: string): boolean {
    return this.exists(this.prefix + normaliseEntryName(name, this.location));
  }

  bytes(name: string): Uint8Array {
    const data = this.read(this.prefix + normaliseEntryName(name, this.location));
    if (data === undefined) {
      throw new MojoError("missing-file", `${this.location}: the MOJO has no entry ${name}`);
    }
    return data;
  }

  text(name: string): string {
    return utf8.decode(this.bytes(name));
  }

  protected childPrefix(prefix: string): string {
    const normalised = normaliseEntryName(prefix, this.location);
    return normalised === "" ? this.prefix : `${this.prefix}${normalised}/`;
  }
}

class ZipSource extends PrefixedSource {
  constructor(
    private readonly archive: ZipArchive,
    location: string,
    prefix: string,
  ) {
    super(location, prefix);
  }

  protected rootNames(): string[] {
    return this.archive.names();
  }

  protected exists(fullName: string): boolean {
    return this.archive.has(fullName);
  }

  protected read(fullName: string): Uint8Array | undefined {
    return this.archive.entry(fullName);
  }

  sub(prefix: string): MojoSource {
    const child = this.childPrefix(prefix);
    return new ZipSource(this.archive, `${this.location}!/${child}`, child);
  }
}

class FolderSource extends PrefixedSource {
  constructor(
    private readonly root: string,
    location: string,
    prefix: string,
  ) {
    super(location, prefix);
  }

  protected rootNames(): string[] {
    const entries = readdirSync(this.root, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)))
      .map((name) => name.split(sep).join("/"));
  }

  protected exists(fullName: string): boolean {
    try {
      return statSync(join(this.root, ...fullName.split("/"))).isFile();
    } catch {
      return false;
    }
  }

  protected read(fullName: string): Uint8Array | undefined {
    try {
      return readFileSync(join(this.root, ...fullName.split("/")));
    } catch {
      return undefined;
    }
  }

  sub(prefix: string): MojoSource {
    const child = this.childPrefix(prefix);
    return new FolderSource(this.root, join(this.location, child), child);
  }
}
