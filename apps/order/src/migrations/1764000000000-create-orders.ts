import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateOrders1764000000000 implements MigrationInterface {
  name = 'CreateOrders1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          { name: 'id', type: 'uuid', isPrimary: true },
          { name: 'customer_id', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'total_cents', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'card_last4', type: 'varchar', length: '4' },
          { name: 'payment_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'failure_reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'idempotency_key', type: 'varchar', length: '255', isNullable: true, isUnique: true },
          { name: 'request_fingerprint', type: 'varchar', length: '64', isNullable: true },
          { name: 'created_at', type: 'timestamptz' },
          { name: 'updated_at', type: 'timestamptz' },
        ],
        indices: [
          new TableIndex({ name: 'idx_orders_customer_created', columnNames: ['customer_id', 'created_at', 'id'] }),
          new TableIndex({ name: 'idx_orders_created', columnNames: ['created_at', 'id'] }),
          new TableIndex({ name: 'idx_orders_status_updated', columnNames: ['status', 'updated_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_items',
        columns: [
          { name: 'id', type: 'uuid', isPrimary: true },
          { name: 'order_id', type: 'uuid' },
          { name: 'position', type: 'integer' },
          { name: 'sku', type: 'varchar', length: '32' },
          { name: 'quantity', type: 'integer' },
          { name: 'unit_price_cents', type: 'bigint' },
        ],
        foreignKeys: [
          {
            columnNames: ['order_id'],
            referencedTableName: 'orders',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [new TableIndex({ name: 'idx_order_items_order', columnNames: ['order_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          { name: 'id', type: 'uuid', isPrimary: true },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'aggregate_id', type: 'uuid' },
          { name: 'payload', type: 'text' },
          { name: 'created_at', type: 'timestamptz' },
          { name: 'published_at', type: 'timestamptz', isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'last_error', type: 'varchar', length: '255', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_outbox_unpublished', columnNames: ['published_at', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_events');
    await queryRunner.dropTable('order_items');
    await queryRunner.dropTable('orders');
  }
}
