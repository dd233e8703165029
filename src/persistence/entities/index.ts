import { IdempotencyEntity } from './idempotency-entity';
import { OutboxEntity } from './outbox-entity';
import { ReservationEntity } from './reservation-entity';
import { SaleEntity } from './sale-entity';
import { SessionEntity } from './session-entity';
import { SnapshotEntity } from './snapshot-entity';

export const entities = [SessionEntity, ReservationEntity, SaleEntity, SnapshotEntity, OutboxEntity, IdempotencyEntity];
export * from './idempotency-entity';
export * from './outbox-entity';
export * from './reservation-entity';
export * from './sale-entity';
export * from './session-entity';
export * from './snapshot-entity';
