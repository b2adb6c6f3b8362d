import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/** Each outbox event remembers the trace of the request that wrote it, so its publish span joins that trace. */
export class OutboxTraceContext1764100000000 implements MigrationInterface {
  name = 'OutboxTraceContext1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'outbox_events',
      new TableColumn({ name: 'trace_context', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('outbox_events', 'trace_context');
  }
}
