import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsIn, IsOptional } from 'class-validator';

export const HEALTH_CHECKS = ['database', 'redis', 'storage'] as const;
export type HealthCheckName = (typeof HEALTH_CHECKS)[number];

export class HealthQueryDto {
  /**
   * The dependencies to check, comma-separated (all of them by default): a probe that cares about
   * one dependency alone, say a worker's readiness on the database, asks for just that one.
   */
  @ApiPropertyOptional({
    enum: HEALTH_CHECKS,
    isArray: true,
    description: 'Comma-separated, e.g. database,redis',
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value))
  @IsOptional()
  @ArrayNotEmpty({ message: 'check must name at least one of database, redis, storage' })
  @IsIn(HEALTH_CHECKS, { each: true, message: 'check must name only database, redis or storage' })
  check?: HealthCheckName[];
}
