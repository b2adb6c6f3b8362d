import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

export class CreatePayments1764000000000 implements MigrationInterface {
  name = 'CreatePayments1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'payments',
        columns: [
          { name: 'id', type: 'uuid', isPrimary: true },
          { name: 'order_id', type: 'uuid', isUnique: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'amount_cents', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'card_last4', type: 'varchar', length: '4' },
          { name: 'decline_reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'created_at', type: 'timestamptz' },
          { name: 'updated_at', type: 'timestamptz' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('payments');
  }
}
