import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions; per session a snapshot header (epoch of the last writer, version, next expiry) over its relational seat
 * state (pending and confirmed reservations, sales: one per seat); the outbox; idempotency keys.
 */
export class InitialSchema1764374400000 implements MigrationInterface {
  name = 'InitialSchema1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        movie_name varchar(200) NOT NULL,
        start_time timestamptz NOT NULL,
        room_number varchar(50) NOT NULL,
        ticket_price_cents integer NOT NULL CHECK (ticket_price_cents >= 0),
        total_seats integer NOT NULL CHECK (total_seats > 0),
        seats_per_row integer NOT NULL CHECK (seats_per_row > 0),
        available_seats integer NOT NULL CHECK (available_seats >= 0),
        is_active boolean NOT NULL DEFAULT true,
        epoch bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sessions_by_start ON sessions (start_time, id)`);
    await q.query(`
      CREATE TABLE session_snapshots (
        session_id uuid PRIMARY KEY REFERENCES sessions (id),
        epoch bigint NOT NULL,
        version bigint NOT NULL,
        next_expiry_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX snapshots_due ON session_snapshots (next_expiry_at) WHERE next_expiry_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE reservations (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id),
        user_id varchar(100) NOT NULL,
        seat_numbers jsonb NOT NULL,
        status varchar(16) NOT NULL,
        amount_cents bigint NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX reservations_by_user ON reservations (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE sales (
        id uuid PRIMARY KEY,
        reservation_id uuid NOT NULL REFERENCES reservations (id),
        session_id uuid NOT NULL REFERENCES sessions (id),
        seat_number varchar(12) NOT NULL,
        user_id varchar(100) NOT NULL,
        amount_cents integer NOT NULL,
        paid_at timestamptz NOT NULL,
        CONSTRAINT sales_one_per_seat UNIQUE (session_id, seat_number)
      )`);
    await q.query(`CREATE INDEX sales_by_user ON sales (user_id, paid_at DESC)`);
    await q.query(`CREATE INDEX sales_by_paid_at ON sales (paid_at DESC, id)`);
    await q.query(`CREATE INDEX sales_by_reservation ON sales (reservation_id)`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        session_id uuid NOT NULL,
        epoch bigint NOT NULL,
        type varchar(40) NOT NULL,
        payload json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_by_session ON outbox (session_id, id)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope varchar(100) NOT NULL,
        key varchar(255) NOT NULL,
        fingerprint varchar(64) NOT NULL,
        state varchar(8) NOT NULL,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_by_age ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'outbox', 'sales', 'reservations', 'session_snapshots', 'sessions']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
