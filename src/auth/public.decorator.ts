import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'auth:isPublic';
/** Marks the OpenAPI operations that need no API key (see applyApiSecurity). */
export const PUBLIC_OPERATION_EXTENSION = 'x-public';

/**
 * A route (or a whole controller) that needs no API key: the health check and the signed download
 * links, whose token is the credential. Everything else needs a key when API_KEYS is set.
 */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_OPERATION_EXTENSION, true));
