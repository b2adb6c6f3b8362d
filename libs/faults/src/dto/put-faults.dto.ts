import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class FaultRequestDto {
  @IsString()
  @MaxLength(64)
  name!: string;

  /** Parameter values by name; missing ones take the catalogue's defaults. */
  @IsOptional()
  @IsObject()
  params?: Record<string, number>;
}

/** A mystery's marker: an opaque id that logs, spans and metrics show instead of the fault names. */
export const MARKER = /^mystery-[a-z0-9]{4,32}$/;
export const MARKER_MESSAGE = 'marker must look like mystery-<4 to 32 lowercase letters or digits>';

/** PUT /admin/faults: the complete set of faults this service should run with. */
export class PutFaultsDto {
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => FaultRequestDto)
  faults!: FaultRequestDto[];

  /** Mystery mode: show this opaque id instead of the fault names in logs, spans and metrics. */
  @IsOptional()
  @Matches(MARKER, { message: MARKER_MESSAGE })
  marker?: string;
}
