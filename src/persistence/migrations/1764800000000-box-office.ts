import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The box office's rules (README "Box office"): a session's seating plan (categories and prices, blocked seats,
 * wheelchair spaces, aisles, preferred rows, single-seat rule) and when it was cancelled; how many times a hold was
 * extended; when a sale was refunded. A paid reservation of a cancelled screening becomes REFUNDED: the one change
 * of an ended reservation's status that the `reservation_status_final` trigger lets through.
 */
export class BoxOffice1764800000000 implements MigrationInterface {
  name = 'BoxOffice1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN seating jsonb, ADD COLUMN cancelled_at timestamptz`);
    await q.query(`ALTER TABLE reservations ADD COLUMN extensions integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE sales ADD COLUMN refunded_at timestamptz`);
    await q.query(`DROP TRIGGER reservation_status_final ON reservations`);
    await q.query(`
      CREATE TRIGGER reservation_status_final BEFORE UPDATE OF status ON reservations
      FOR EACH ROW WHEN (OLD.status <> 'PENDING' AND NEW.status IS DISTINCT FROM OLD.status
                         AND NOT (OLD.status = 'CONFIRMED' AND NEW.status = 'REFUNDED'))
      EXECUTE FUNCTION reservation_status_final()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER reservation_status_final ON reservations`);
    await q.query(`
      CREATE TRIGGER reservation_status_final BEFORE UPDATE OF status ON reservations
      FOR EACH ROW WHEN (OLD.status <> 'PENDING' AND NEW.status IS DISTINCT FROM OLD.status)
      EXECUTE FUNCTION reservation_status_final()`);
    await q.query(`ALTER TABLE sales DROP COLUMN refunded_at`);
    await q.query(`ALTER TABLE reservations DROP COLUMN extensions`);
    await q.query(`ALTER TABLE sessions DROP COLUMN cancelled_at, DROP COLUMN seating`);
  }
}
