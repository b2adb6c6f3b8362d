import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Leases, so that several order replicas share the background work instead of
 * repeating it: an outbox row (or a pending order to reconcile) is taken by one
 * replica until its lease runs out. The partial index finds the oldest unpublished
 * event of an aggregate, which the relay's claim checks to keep each order's events in order.
 */
export class ReplicaClaims1767100000000 implements MigrationInterface {
  name = 'ReplicaClaims1767100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('outbox_events', [
      new TableColumn({ name: 'claimed_by', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'claimed_until', type: 'timestamptz', isNullable: true }),
    ]);
    await queryRunner.query(
      'CREATE INDEX "idx_outbox_pending_aggregate" ON "outbox_events" ("aggregate_id", "created_at") WHERE "published_at" IS NULL',
    );
    await queryRunner.addColumn(
      'orders',
      new TableColumn({ name: 'reconcile_claimed_until', type: 'timestamptz', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('orders', 'reconcile_claimed_until');
    await queryRunner.query('DROP INDEX "idx_outbox_pending_aggregate"');
    await queryRunner.dropColumns('outbox_events', ['claimed_by', 'claimed_until']);
  }
}
