/**
 * An embedded feature store for the demo: PGlite (PostgreSQL compiled to WebAssembly) served over
 * the PostgreSQL wire protocol on a loopback port, so the tools connect to it exactly as they
 * connect to a real server. Nothing is installed and nothing outlives the demo.
 */
export interface DemoStore {
  url: string;
  table: string;
  close(): Promise<void>;
}

/**
 * Rows for the demo churn model's feature table, with the faults a store drifts into: the
 * `region` feature was never added, `monthly_charges` is stored as text, and a plan level the
 * model never saw (`enterprise`) has appeared.
 */
const featureTableSql = `
  CREATE TABLE churn_features (
    customer_id     integer PRIMARY KEY,
    tenure_months   integer NOT NULL,
    monthly_charges text,
    plan            text NOT NULL
  );
  INSERT INTO churn_features
  SELECT id,
         (id * 7) % 72,
         to_char(20 + (id * 13) % 90, 'FM999.00'),
         (ARRAY['basic', 'plus', 'pro', 'enterprise'])[1 + id % 4]
  FROM generate_series(1, 2000) AS id;
`;

export async function startDemoStore(): Promise<DemoStore> {
  // Imported here so every other command starts without loading the WebAssembly build.
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");

  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1" });
  try {
    await db.exec(featureTableSql);
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }

  // After start, the connection string carries the port the OS chose.
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    table: "churn_features",
    close: async () => {
      try {
        await server.stop();
      } finally {
        await db.close();
      }
    },
  };
}
