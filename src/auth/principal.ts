import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who is calling: the name of the API key the request presented, or null when the API runs
 * without keys (anonymous). Imports are owned by the principal that created them.
 */
export type Principal = string | null;

/** The request once ApiKeyGuard has let it through. */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The handler parameter that receives the caller's Principal. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal ?? null,
);
