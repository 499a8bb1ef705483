import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { attachmentDisposition } from './content-disposition';
import { DEFAULT_DOWNLOAD_CONTENT_TYPE, StorageService } from './storage.service';

/**
 * Where the local driver's signed links point. The token is the credential, so this route must
 * stay reachable without an API key (like an S3 presigned URL).
 */
@ApiTags('storage')
@Public()
@Controller('storage/downloads')
export class LocalDownloadController {
  constructor(private readonly storage: StorageService) {}

  @Get(':token')
  @ApiOperation({
    summary: 'Download a file through a signed link',
    description: 'Only with STORAGE_DRIVER=local; with S3 the signed links point at the bucket instead.',
  })
  @ApiParam({ name: 'token', description: 'The signed token from a download link' })
  @ApiProduces(DEFAULT_DOWNLOAD_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The file, as an attachment', schema: { type: 'string', format: 'binary' } })
  @ApiForbiddenResponse({ description: 'The link is not valid or has expired' })
  @ApiNotFoundResponse({ description: 'The file behind the link no longer exists' })
  // The file may be personal data: keep it out of shared caches and stop browsers rendering it.
  @Header('Cache-Control', 'private, no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  async download(@Param('token') token: string): Promise<StreamableFile> {
    const file = await this.storage.openLocalDownload(token);
    return new StreamableFile(file.stream, {
      type: file.contentType ?? DEFAULT_DOWNLOAD_CONTENT_TYPE,
      disposition: attachmentDisposition(file.fileName),
      length: file.size,
    });
  }
}
