/** The bytecode size of one method, read from a compiled .class file. */
export interface MethodCodeSize {
  className: string;
  method: string;
  codeBytes: number;
}

const utf8 = new TextDecoder("utf-8");

/**
 * Reads each method's Code attribute length from a class file (JVMS chapter 4 layout): only
 * the constant pool, the method table and attribute headers are parsed, nothing is executed.
 */
export function methodCodeSizes(classBytes: Uint8Array, className: string): MethodCodeSize[] {
  const view = new DataView(classBytes.buffer, classBytes.byteOffset, classBytes.byteLength);
  if (view.getUint32(0) !== 0xcafebabe) throw new Error(`${className}: not a class file`);
  let offset = 8;
  const constantCount = view.getUint16(offset);
  offset += 2;
  const utf8Constants = new Map<number, string>();
  for (let index = 1; index < constantCount; index++) {
    const tag = view.getUint8(offset);
    offset += 1;
    if (tag === 1) {
      const length = view.getUint16(offset);
      const text = utf8.decode(classBytes.subarray(offset + 2, offset + 2 + length));
      utf8Constants.set(index, text);
      offset += 2 + length;
    } else if (tag === 5 || tag === 6) {
      offset += 8;
      index++; // long and double take two constant pool slots
    } else {
      offset += constantSize(tag, className);
    }
  }

  offset += 6; // access flags, this class, super class
  const interfaceCount = view.getUint16(offset);
  offset += 2 + 2 * interfaceCount;
  offset = skipMembers(view, offset);

  const methodCount = view.getUint16(offset);
  offset += 2;
  const sizes: MethodCodeSize[] = [];
  for (let index = 0; index < methodCount; index++) {
    const name = utf8Constants.get(view.getUint16(offset + 2)) ?? "?";
    const attributeCount = view.getUint16(offset + 6);
    offset += 8;
    for (let attribute = 0; attribute < attributeCount; attribute++) {
      const attributeName = utf8Constants.get(view.getUint16(offset));
      const length = view.getUint32(offset + 2);
      if (attributeName === "Code") {
        sizes.push({ className, method: name, codeBytes: view.getUint32(offset + 10) });
      }
      offset += 6 + length;
    }
  }
  return sizes;
}

function skipMembers(view: DataView, start: number): number {
  let offset = start;
  const count = view.getUint16(offset);
  offset += 2;
  for (let index = 0; index < count; index++) {
    const attributeCount = view.getUint16(offset + 6);
    offset += 8;
    for (let attribute = 0; attribute < attributeCount; attribute++) {
      offset += 6 + view.getUint32(offset + 2);
    }
  }
  return offset;
}

function constantSize(tag: number, className: string): number {
  switch (tag) {
    case 7: // Class
    case 8: // String
    case 16: // MethodType
    case 19: // Module
    case 20: // Package
      return 2;
    case 15: // MethodHandle
      return 3;
    case 3: // Integer
    case 4: // Float
    case 9: // Fieldref
    case 10: // Methodref
    case 11: // InterfaceMethodref
    case 12: // NameAndType
    case 17: // Dynamic
    case 18: // InvokeDynamic
      return 4;
    default:
      throw new Error(`${className}: unknown constant pool tag ${tag}`);
  }
}
