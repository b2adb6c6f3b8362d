import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class FaultRequestDto {
  @IsString()
  @MaxLength(64)
  name!: string;

  /** Parameter values by name; missing ones take the catalogue's defaults. */
  @IsOptional()
  @IsObject()
  params?: Record<string, number>;
}

/** PUT /admin/faults: the complete set of faults this service should run with. */
export class PutFaultsDto {
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => FaultRequestDto)
  faults!: FaultRequestDto[];

  /** Mystery mode: show this opaque id instead of the fault names in logs, spans and metrics. */
  @IsOptional()
  @Matches(/^mystery-[a-z0-9]{4,32}$/, { message: 'marker must look like mystery-<4 to 32 lowercase letters or digits>' })
  marker?: string;
}
