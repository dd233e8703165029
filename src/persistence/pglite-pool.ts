import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';
import { Mutex, type MutexInterface } from 'async-mutex';

/**
 * A `pg`-shaped driver for typeorm over one PGlite database.
 *
 * PGlite is a single Postgres session. typeorm-pglite hands that one session to every pooled connection, so two
 * concurrent typeorm transactions run inside the same Postgres transaction and can double-book a seat. Here a
 * connection is an exclusive lease on the session: `connect` waits until the previous holder released it, so
 * transactions (and queries) run one after another, never interleaved.
 */
type Callback<T> = (error: Error | null, value?: T) => void;

interface PgResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: Results<unknown>["fields"];
}

function toPgResult(result: Results<unknown>): PgResult {
  return {
    rows: result.rows,
    rowCount: result.affectedRows ?? result.rows.length,
    command: (result as Results<unknown> & { command?: string }).command ?? '',
    fields: result.fields,
  };
}

class PGliteConnection extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(sql: string, paramsOrCallback?: unknown[] | Callback<PgResult>, callback?: Callback<PgResult>): Promise<PgResult> {
    const params = typeof paramsOrCallback === 'function' ? undefined : paramsOrCallback;
    const done = typeof paramsOrCallback === 'function' ? paramsOrCallback : callback;
    const run =
      params && params.length > 0
        ? this.db.query(sql, params).then(toPgResult)
        : this.db.exec(sql).then((all) => toPgResult(all[all.length - 1] ?? { rows: [], fields: [] }));
    return run.then(
      (result) => {
        done?.(null, result);
        return result;
      },
      (error: Error) => {
        done?.(error);
        throw error;
      },
    );
  }
}

export function pgliteDriver(db: PGlite): { Pool: new () => EventEmitter } {
  const lock = new Mutex();
  const connection = new PGliteConnection(db);

  class PGlitePool extends EventEmitter {
    connect(callback: (error: Error | null, conn: PGliteConnection | null, release: () => void) => void): void {
      lock.acquire().then(
        (release: MutexInterface.Releaser) => {
          let released = false;
          callback(null, connection, () => {
            if (!released) {
              released = true;
              release();
            }
          });
        },
        (error: Error) => callback(error, null, () => undefined),
      );
    }

    /** A query outside any connection also waits its turn. */
    query(sql: string, params?: unknown[]): Promise<PgResult> {
      return lock.runExclusive(() => connection.query(sql, params));
    }

    end(callback: (error: Error | null) => void): void {
      lock.runExclusive(() => db.close()).then(
        () => callback(null),
        (error: Error) => callback(error),
      );
    }
  }
  return { Pool: PGlitePool };
}
