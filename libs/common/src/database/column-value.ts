import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * A value as the driver stores it in `property`'s column — needed for query
 * builder parameters, which TypeORM passes raw (SQLite cannot bind a Date).
 */
export function columnValue<T extends ObjectLiteral>(repo: Repository<T>, property: keyof T & string, value: unknown): unknown {
  const column = repo.metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${repo.metadata.name} has no column ${property}`);
  return repo.manager.connection.driver.preparePersistentValue(value, column);
}
