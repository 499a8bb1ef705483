import type { DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import { MIN_SECRET_LENGTH } from '../config/api-keys';
import { PUBLIC_OPERATION_EXTENSION } from './public.decorator';

export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

/** Declares the two ways to present a key, so Swagger UI's Authorize button offers both. */
export function declareApiKeySchemes(builder: DocumentBuilder): DocumentBuilder {
  const description = `An API key secret from API_KEYS (at least ${MIN_SECRET_LENGTH} characters).`;
  return builder
    .addBearerAuth({ type: 'http', scheme: 'bearer', description }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description }, API_KEY_SCHEME);
}

/**
 * Every operation not marked @Public() accepts either scheme; public ones (health, signed
 * downloads) carry an empty security requirement.
 */
export function applyApiSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const) {
      const operation = path[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      if (operation[PUBLIC_OPERATION_EXTENSION]) {
        delete operation[PUBLIC_OPERATION_EXTENSION];
        operation.security = []; // says "no key needed", where an absent list would say "not stated"
        continue;
      }
      operation.security = [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }];
      const responses = (operation.responses ?? {}) as Record<string, unknown>;
      responses['401'] ??= { description: 'No valid API key (only when API_KEYS is set)' };
      operation.responses = responses;
    }
  }
  return document;
}
