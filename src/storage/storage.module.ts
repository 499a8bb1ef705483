import { Module } from '@nestjs/common';
import { LocalDownloadController } from './local-download.controller';
import { StorageService } from './storage.service';

/** Object storage for the whole app: one StorageService over the S3 or local-disk driver. */
@Module({
  controllers: [LocalDownloadController],
  providers: [StorageService],
  exports: [StorageService],
})
export class StorageModule {}
