import { EntitySchema } from 'typeorm';

/** The last committed seat state of a session, written under the owner's epoch. */
export interface SnapshotRow {
  sessionId: string;
  epoch: string;
  version: string;
  state: unknown;
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
    state: { type: 'jsonb' },
    nextExpiryAt: { name: 'next_expiry_at', type: 'timestamptz', nullable: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
});
