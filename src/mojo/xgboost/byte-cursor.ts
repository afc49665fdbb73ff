import { MojoError } from "../types.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Little-endian reader that reports truncation as a corrupt MOJO. */
export class ByteCursor {
  private readonly view: DataView;
  offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number, what: string): void {
    if (count < 0 || this.offset + count > this.bytes.byteLength) {
      throw new MojoError(
        "corrupt",
        `${this.where}: ends at byte ${this.bytes.byteLength} while reading ${what} ` +
          `(${count} bytes at ${this.offset}); re-export the MOJO`,
      );
    }
  }

  int32(what: string): number {
    this.need(4, what);
    const value = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return value;
  }

  uint32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  float32(what: string): number {
    this.need(4, what);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** A 64-bit length; anything past 2^31 cannot be a real count here. */
  length64(what: string): number {
    this.need(8, what);
    const low = this.view.getUint32(this.offset, true);
    const high = this.view.getInt32(this.offset + 4, true);
    this.offset += 8;
    if (high !== 0 || low > 0x7fffffff) {
      throw new MojoError("corrupt", `${this.where}: ${what} has an impossible length`);
    }
    return low;
  }

  skip(count: number, what: string): void {
    this.need(count, what);
    this.offset += count;
  }

  peek(count: number): Uint8Array {
    return this.bytes.subarray(this.offset, Math.min(this.offset + count, this.bytes.byteLength));
  }

  string(what: string): string {
    const length = this.length64(what);
    this.need(length, what);
    const text = utf8.decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  float32Array(count: number, what: string): Float32Array {
    this.need(count * 4, what);
    const values = new Float32Array(count);
    for (let index = 0; index < count; index++) {
      values[index] = this.view.getFloat32(this.offset + index * 4, true);
    }
    this.offset += count * 4;
    return values;
  }
}
