import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { ApiKeyGuard } from './api-key.guard';

/** API-key authentication for every route (a global guard); see ApiKeyGuard and @Public(). */
@Module({
  providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'worker') return; // no HTTP API in this process
    const keys = this.config.auth.apiKeys;
    if (keys.length > 0) {
      this.logger.log(
        `API keys required; ${keys.length} key(s) configured: ${keys.map((k) => k.name).join(', ')}`,
      );
      return;
    }
    this.logger.warn(
      '*** THE API IS OPEN: API_KEYS is not set, so anyone who can reach this port can upload, list and ' +
        'cancel imports. Fine for local use only; set API_KEYS (or API_KEYS_FILE) anywhere else. ***',
    );
  }
}
