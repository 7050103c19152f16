// The part of node-postgres (a Ponder dependency, shipped without types) that lib/chainGuard/postgres.ts uses.
declare module "pg" {
  export class Client {
    constructor(options: { connectionString?: string });
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    end(): Promise<void>;
    on(event: "error", listener: (err: Error) => void): this;
  }
  const pg: { Client: typeof Client };
  export default pg;
}
