import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { HEALTH_CHECKS, HealthCheckName, HealthQueryDto } from './dto/health-query.dto';
import { RedisHealthIndicator } from './redis.health';
import { StorageHealthIndicator } from './storage.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly storage: StorageHealthIndicator,
  ) {}

  /** 200 when PostgreSQL, Redis and the object storage (or those asked for) answer; 503 naming what is down. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness of the service and its dependencies' })
  @ApiBadRequestResponse({ description: 'check names something other than database, redis or storage' })
  check(@Query() query: HealthQueryDto) {
    const checks: Record<HealthCheckName, () => Promise<HealthIndicatorResult>> = {
      database: () => this.db.pingCheck('database', { timeout: 3000 }),
      redis: () => this.redis.isHealthy('redis'),
      storage: () => this.storage.isHealthy('storage'),
    };
    return this.health.check((query.check ?? HEALTH_CHECKS).map((name) => checks[name]));
  }
}
