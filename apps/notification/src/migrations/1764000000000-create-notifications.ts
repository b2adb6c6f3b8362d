import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateNotifications1764000000000 implements MigrationInterface {
  name = 'CreateNotifications1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'id', type: 'uuid', isPrimary: true },
          { name: 'event_id', type: 'uuid', isUnique: true },
          { name: 'order_id', type: 'uuid' },
          { name: 'customer_id', type: 'varchar', length: '64' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'channel', type: 'varchar', length: '16' },
          { name: 'message', type: 'varchar', length: '500' },
          { name: 'created_at', type: 'timestamptz' },
        ],
        indices: [new TableIndex({ name: 'idx_notifications_order', columnNames: ['order_id', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notifications');
  }
}
