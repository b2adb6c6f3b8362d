import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Alerts Alertmanager delivered to POST /alerts; one row per (fingerprint, status, starts_at). */
export class CreateAlerts1765000000000 implements MigrationInterface {
  name = 'CreateAlerts1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'alerts',
        columns: [
          { name: 'id', type: 'uuid', isPrimary: true },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'alertname', type: 'varchar', length: '200' },
          { name: 'severity', type: 'varchar', length: '32', isNullable: true },
          { name: 'service', type: 'varchar', length: '64', isNullable: true },
          { name: 'summary', type: 'varchar', length: '1000', isNullable: true },
          { name: 'starts_at', type: 'timestamptz' },
          { name: 'ends_at', type: 'timestamptz', isNullable: true },
          { name: 'received_at', type: 'timestamptz' },
          { name: 'labels', type: 'text' },
        ],
        indices: [
          // Alertmanager re-sends a group every repeat_interval (and after a failed delivery): store each state once.
          new TableIndex({
            name: 'uq_alerts_occurrence',
            columnNames: ['fingerprint', 'status', 'starts_at'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_alerts_received', columnNames: ['received_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('alerts');
  }
}
