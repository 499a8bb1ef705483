import { applyDecorators } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { ReportLinkDto } from './dto/report-link.dto';

/**
 * The answer of the stable download routes of an import's files (the not-imported report, the change
 * log): 302 to a freshly signed link, or with `redirect=false` 200 with the link as JSON.
 */
export function sendSignedLink(res: Response, link: ReportLinkDto, redirect: boolean | undefined): void {
  if (redirect === false) res.status(200).json(link);
  else res.redirect(302, link.url);
}

/** The two answers of sendSignedLink() in Swagger; `file` names the file, as in "the report". */
export function ApiSignedLinkResponses(file: string, exampleKey: string) {
  return applyDecorators(
    ApiFoundResponse({
      description: `Location is a time-limited download link to ${file} (SIGNED_URL_TTL_SECONDS)`,
      headers: { Location: { description: 'The signed link', schema: { type: 'string', format: 'uri' } } },
    }),
    ApiOkResponse({
      type: ReportLinkDto,
      description: 'With redirect=false: the link itself',
      example: {
        url: `https://storage.example.com/service-imports/${exampleKey}?X-Amz-Expires=3600&X-Amz-Signature=...`,
        expiresDate: '2026-03-01T12:00:00.000Z',
      },
    }),
  );
}
