import pgUtils from "pg/lib/utils.js";
import { redactUrl } from "./config.js";
import { UnreachableError, errorMessage } from "./errors.js";

/** Quotes an identifier or a literal the way the server parses it; never interpolate raw names. */
export const quoteIdent: (name: string) => string = pgUtils.escapeIdentifier;
export const quoteLiteral: (value: string) => string = pgUtils.escapeLiteral;

export type Query = <Row extends object>(sql: string, params?: unknown[]) => Promise<Row[]>;

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Runs `work` inside one read-only transaction with statement and lock timeouts, so nothing it
 * sends can change or lock the feature store. On abort the running statement is cancelled on
 * the server (pg_cancel_backend from a second connection) and the connection is closed.
 */
export async function withReadOnlySession<T>(
  url: string,
  targetName: string,
  options: { statementTimeoutMs: number; signal: AbortSignal; applicationName?: string },
  work: (query: Query) => Promise<T>,
): Promise<T> {
  // Loaded on first use: the driver costs about 100 ms at start-up that most commands never need.
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? "ml-optimizer",
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new UnreachableError(
      `could not connect to postgres at ${redactUrl(url)} (${errorMessage(error)}); check that ` +
        `the server is up, the host, port, database and credentials of target \`${targetName}\`, ` +
        "and that this machine may reach it",
      { cause: error },
    );
  }
  // A client error after connect (server restart, network) must not crash the process.
  client.on("error", () => undefined);

  let backendPid: number;
  try {
    const result = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    backendPid = result.rows[0]!.pid;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  const onAbort = () => {
    void cancelBackend(pg.Client, url, backendPid).finally(() =>
      client.end().catch(() => undefined),
    );
  };
  options.signal.addEventListener("abort", onAbort, { once: true });

  try {
    options.signal.throwIfAborted();
    await client.query("BEGIN READ ONLY");
    const timeoutMs = Math.max(1, Math.round(options.statementTimeoutMs));
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.min(timeoutMs, 2_000)}`);
    // Always the extended protocol (pg supports `queryMode` at run time; its types lag): it
    // carries exactly one statement, so no text passed here can COMMIT the read-only
    // transaction and go on.
    const query: Query = async <Row extends object>(sql: string, params: unknown[] = []) => {
      options.signal.throwIfAborted();
      const config = { text: sql, values: params, queryMode: "extended" };
      const result = await client.query<Row>(config as { text: string; values: unknown[] });
      return result.rows;
    };
    const value = await work(query);
    await client.query("ROLLBACK");
    return value;
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    await client.end().catch(() => undefined);
  }
}

async function cancelBackend(
  Client: typeof import("pg").Client,
  url: string,
  pid: number,
): Promise<void> {
  const canceller = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await canceller.connect();
    await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
  } catch {
    // Closing the main connection below still stops the statement at its next check.
  } finally {
    await canceller.end().catch(() => undefined);
  }
}
