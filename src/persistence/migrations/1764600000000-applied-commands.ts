import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exactly-once effect for forwarded commands (README, "Exactly-once effect"): each command id is recorded with its
 * answer in the commit that made its change. And an ended reservation (EXPIRED, CANCELLED, CONFIRMED) never changes
 * status again: a trigger refuses it, so whatever code path tries fails its commit instead of reviving a hold.
 */
export class AppliedCommands1764600000000 implements MigrationInterface {
  name = 'AppliedCommands1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE applied_commands (
        command_id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        reply jsonb NOT NULL,
        applied_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX applied_commands_by_age ON applied_commands (applied_at)`);
    await q.query(`
      CREATE FUNCTION reservation_status_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'reservation % is %; it cannot become %', OLD.id, OLD.status, NEW.status
          USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER reservation_status_final BEFORE UPDATE OF status ON reservations
      FOR EACH ROW WHEN (OLD.status <> 'PENDING' AND NEW.status IS DISTINCT FROM OLD.status)
      EXECUTE FUNCTION reservation_status_final()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS reservation_status_final ON reservations`);
    await q.query(`DROP FUNCTION IF EXISTS reservation_status_final()`);
    await q.query(`DROP TABLE IF EXISTS applied_commands`);
  }
}
