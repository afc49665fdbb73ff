/** A method found in Java source, with the bytecode size its statements suggest. */
export interface EstimatedMethod {
  className: string;
  method: string;
  line: number;
  estimatedBytes: number;
}

const keywords = new Set(
  (
    "if else for while do switch case default break continue final static public private " +
    "protected class int long double float boolean byte short char void true false null this " +
    "super instanceof throw try catch finally import package extends implements return new"
  ).split(" "),
);

/**
 * Bytes javac emits per construct, fitted on generated tree methods (nested ternaries over
 * `data[i] < c` and `Double.isNaN(data[i])`) compiled by javac 17: within about 5% there.
 * Other code is priced by the same table, so treat the result as an estimate.
 */
const cost = {
  numberLiteral: 3,
  stringLiteral: 6,
  constantIndexAccess: 4,
  call: 3,
  localName: 1,
  comparison: 4,
  conditionalJump: 3,
  arithmetic: 1,
  statement: 1,
  allocation: 3,
};

/** javac switches to 5-byte far jumps once a method passes 32 KB; measured growth ~45%. */
const FAR_JUMP_THRESHOLD_BYTES = 32_767;
const FAR_JUMP_GROWTH = 1.45;

/** Finds every method body in a Java source file and estimates its bytecode size. */
export function estimateMethodSizes(source: string): EstimatedMethod[] {
  const code = blankCommentsAndStrings(source);
  const methods: EstimatedMethod[] = [];
  const modifiers = "(?:(?:public|private|protected|static|final|synchronized|abstract)\\s+)*";
  const header = new RegExp(
    `(?:^|[;{}])\\s*(${modifiers})([\\w<>[\\],.\\s]+?)\\s+(\\w+)\\s*\\(([^()]*)\\)` +
      "\\s*(?:throws\\s+[\\w.,\\s]+)?\\{",
    "g",
  );
  const classHeader = /\bclass\s+(\w+)/g;
  const classStarts = [...code.matchAll(classHeader)].map((match) => ({
    name: match[1]!,
    at: match.index,
  }));
  for (const match of code.matchAll(header)) {
    const name = match[3]!;
    const type = match[2]!.trim();
    if (keywords.has(name) || type === "new" || /\b(?:if|while|for|switch|catch)$/.test(type)) {
      continue;
    }
    const open = match.index + match[0].length - 1;
    const close = matchingBrace(code, open);
    if (close < 0) continue;
    const body = code.slice(open + 1, close);
    const owner = classStarts.filter((entry) => entry.at < open).at(-1)?.name ?? "?";
    methods.push({
      className: owner,
      method: name,
      line: source.slice(0, open).split("\n").length,
      estimatedBytes: estimateBodyBytes(body, source.slice(open + 1, close)),
    });
  }
  return methods;
}

function estimateBodyBytes(body: string, original: string): number {
  let bytes = 0;
  const tokens =
    body.match(
      /\d[\w.]*|[A-Za-z_$][\w$]*|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|\/=|[?<>+\-*/%;[\]().]/g,
    ) ?? [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (/^\d/.test(token)) bytes += cost.numberLiteral;
    else if (/^[A-Za-z_$]/.test(token)) {
      if (token === "new") bytes += cost.allocation;
      else if (keywords.has(token)) bytes += token === "return" ? cost.statement : 0;
      else if (next === "(") bytes += cost.call;
      else if (next === ".") bytes += 0;
      else if (next === "[" && /^\d/.test(tokens[index + 2] ?? "") && tokens[index + 3] === "]") {
        bytes += cost.constantIndexAccess;
        index += 3;
      } else bytes += cost.localName;
    } else if (["<", ">", "<=", ">=", "==", "!="].includes(token)) bytes += cost.comparison;
    else if (token === "?" || token === "&&" || token === "||") bytes += cost.conditionalJump;
    else if (["+", "-", "*", "/", "%", "+=", "-=", "*=", "/="].includes(token)) {
      bytes += cost.arithmetic;
    } else if (token === ";") bytes += cost.statement;
  }
  bytes += (original.match(/"(?:[^"\\\n]|\\.)*"/g) ?? []).length * cost.stringLiteral;
  return bytes > FAR_JUMP_THRESHOLD_BYTES ? Math.round(bytes * FAR_JUMP_GROWTH) : bytes;
}

/** Replaces comments and string/char literals by spaces, keeping offsets and line breaks. */
function blankCommentsAndStrings(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g,
    (text) => text.replace(/[^\n]/g, " "),
  );
}

function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    if (code[index] === "{") depth++;
    else if (code[index] === "}" && --depth === 0) return index;
  }
  return -1;
}
