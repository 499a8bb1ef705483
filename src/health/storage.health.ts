import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StorageService } from '../storage/storage.service';
import { withTimeout } from '../common/with-timeout';

@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly storage: StorageService,
  ) {}

  async isHealthy(key: string) {
    const check = this.indicator.check(key);
    try {
      await withTimeout(this.storage.ping(), 3000);
      return check.up({ driver: this.storage.driverName });
    } catch (error) {
      return check.down({
        driver: this.storage.driverName,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
