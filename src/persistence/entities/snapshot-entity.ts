import { EntitySchema } from 'typeorm';

/**
 * The header of a session's committed seat state: the epoch and version of the last commit and the earliest pending
 * expiry. The state itself is the session's reservation and sale rows, written in the same statement.
 */
export interface SnapshotRow {
  sessionId: string;
  epoch: string;
  version: string;
  nextExpiryAt: Date | null;
  updatedAt: Date;
}

export const SnapshotEntity = new EntitySchema<SnapshotRow>({
  name: 'SessionSnapshot',
  tableName: 'session_snapshots',
  columns: {
    sessionId: { name: 'session_id', type: 'uuid', primary: true },
    epoch: { type: 'bigint' },
    version: { type: 'bigint' },
    nextExpiryAt: { name: 'next_expiry_at', type: 'timestamptz', nullable: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
});
