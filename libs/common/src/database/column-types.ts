import type { QueryRunner, ValueTransformer } from 'typeorm';

/**
 * Column types for migrations that run on both PostgreSQL and SQLite.
 * JSON is stored as text on both so `simple-json` entity columns read back the same.
 */
export function columnTypes(queryRunner: QueryRunner) {
  const pg = queryRunner.connection.options.type === 'postgres';
  return {
    uuid: pg ? 'uuid' : 'varchar',
    timestamp: pg ? 'timestamptz' : 'datetime',
  } as const;
}

/** PostgreSQL returns bigint as a string; money in cents fits a JS number. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
