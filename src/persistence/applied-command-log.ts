import type { DataSource } from 'typeorm';
import type { SessionReply } from '../actors/protocol';

/**
 * The forwarded commands a session applied, each recorded with its answer in the commit that made its change
 * (`applied_commands`, written by the seat-state store). A command delivered again, even after the owner restarted,
 * gets that answer instead of running twice.
 */
export interface AppliedCommandLog {
  /** The answer recorded for `commandId`, if its change was committed. */
  find(commandId: string): Promise<SessionReply | undefined>;
  /** Forgets commands applied more than `olderThanMs` ago (far past any caller's timeout). */
  purge(olderThanMs: number): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAppliedCommandLog(dataSource: DataSource): AppliedCommandLog {
  return {
    async find(commandId) {
      if (!UUID.test(commandId)) return undefined;
      const rows: { reply: SessionReply }[] = await dataSource.query(
        `SELECT reply FROM applied_commands WHERE command_id = $1`,
        [commandId],
      );
      return rows[0]?.reply;
    },
    async purge(olderThanMs) {
      await dataSource.query(`DELETE FROM applied_commands WHERE applied_at < now() - make_interval(secs => $1)`, [
        olderThanMs / 1000,
      ]);
    },
  };
}
