import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthorizedError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { ApiKeyMatcher, presentedSecret } from './api-key-matcher';
import type { AuthenticatedRequest } from './principal';
import { IS_PUBLIC } from './public.decorator';

export const UNAUTHORIZED_MESSAGE = 'A valid API key is required';

/**
 * The global guard: when API keys are configured every route not marked @Public() needs one, and
 * the request's principal becomes the key's name. Without keys every caller is anonymous (null).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly matcher: ApiKeyMatcher | null;

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.matcher = config.auth.apiKeys.length > 0 ? new ApiKeyMatcher(config.auth.apiKeys) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = null;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic || !this.matcher) return true;
    const secret = presentedSecret(request.headers);
    const name = secret === null ? null : this.matcher.match(secret);
    // One answer for a missing, malformed or unknown key: nothing tells a caller which it was.
    if (name === null) throw new UnauthorizedError(UNAUTHORIZED_MESSAGE);
    request.principal = name;
    return true;
  }
}
