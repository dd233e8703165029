import { EntitySchema } from 'typeorm';

/** One Idempotency-Key claim and, once answered, the answer to replay. */
export interface IdempotencyRow {
  scope: string;
  key: string;
  fingerprint: string;
  state: 'running' | 'done';
  responseStatus: number | null;
  responseBody: unknown;
  createdAt: Date;
}

export const IdempotencyEntity = new EntitySchema<IdempotencyRow>({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  columns: {
    scope: { type: 'varchar', length: 100, primary: true },
    key: { type: 'varchar', length: 255, primary: true },
    fingerprint: { type: 'varchar', length: 64 },
    state: { type: 'varchar', length: 8 },
    responseStatus: { name: 'response_status', type: 'integer', nullable: true },
    responseBody: { name: 'response_body', type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
  },
});
