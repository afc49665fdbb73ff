/**
 * Errors a tool raises on purpose. The registry turns them into `isError` results and the
 * command line into exit codes, so each kind says who has to act.
 */
export type ToolErrorKind = "input" | "unreachable" | "timeout" | "cancelled" | "failed";

export class ToolError extends Error {
  readonly kind: ToolErrorKind;

  constructor(kind: ToolErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolError";
    this.kind = kind;
  }
}

/** Bad input: `field` is the path of the offending input field, as the caller wrote it. */
export class InputError extends ToolError {
  readonly field: string;

  constructor(field: string, message: string) {
    super("input", `${field}: ${message}`);
    this.name = "InputError";
    this.field = field;
  }
}

export class UnreachableError extends ToolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("unreachable", message, options);
    this.name = "UnreachableError";
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
