import { IsObject, IsOptional, Matches } from 'class-validator';
import { MARKER, MARKER_MESSAGE } from './put-faults.dto.js';

/** A fault name in the path: the catalogue says which exist (unknown ones are a 400 naming `name`). */
export class FaultNameParams {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'name must be a fault of the catalogue, e.g. payment-latency' })
  name!: string;
}

/** PUT /admin/faults/:name: switches one fault on, or replaces its parameters; the other faults stay as they are. */
export class PutFaultDto {
  /** Parameter values by name; missing ones take the catalogue's defaults. */
  @IsOptional()
  @IsObject()
  params?: Record<string, number>;

  /** While a mystery is on, only a request that names its marker may change one fault (else 409). */
  @IsOptional()
  @Matches(MARKER, { message: MARKER_MESSAGE })
  marker?: string;
}

/** DELETE /admin/faults/:name?marker=…: the marker, while a mystery is on. */
export class DeleteFaultQuery {
  @IsOptional()
  @Matches(MARKER, { message: MARKER_MESSAGE })
  marker?: string;
}
