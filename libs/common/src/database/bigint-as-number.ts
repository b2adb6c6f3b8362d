import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns bigint as a string; money in cents fits a JS number. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
