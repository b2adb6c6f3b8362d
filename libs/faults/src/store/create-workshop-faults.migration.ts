import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * The service's switched-on workshop faults (one row: the service's own),
 * so they survive a restart and every replica on this database shares them.
 * One class for the three services that own a database: each lists it in its
 * migrations.
 */
export class CreateWorkshopFaults1768000000000 implements MigrationInterface {
  name = 'CreateWorkshopFaults1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'workshop_faults',
        columns: [
          { name: 'service', type: 'varchar', length: '32', isPrimary: true },
          // [{ name, params }], as the admin API takes them.
          { name: 'faults', type: 'jsonb', default: `'[]'::jsonb` },
          { name: 'marker', type: 'varchar', length: '64', isNullable: true },
          { name: 'boot_faults', type: 'text', isNullable: true },
          { name: 'updated_at', type: 'timestamptz', default: 'now()' },
          // host/pid of the replica that wrote it, for whoever reads the table by hand.
          { name: 'updated_by', type: 'varchar', length: '200', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('workshop_faults');
  }
}
