import { EntitySchema } from 'typeorm';

/** Domain events committed with the change that caused them, relayed to the event bus afterwards. */
export interface OutboxRow {
  id: string;
  sessionId: string;
  epoch: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  publishedAt: Date | null;
}

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'OutboxEvent',
  tableName: 'outbox',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    sessionId: { name: 'session_id', type: 'uuid' },
    epoch: { type: 'bigint' },
    type: { type: 'varchar', length: 40 },
    payload: { type: 'json' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
    publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
  },
});
