import { Module } from '@nestjs/common';
import { StorageModule } from '../../storage/storage.module';
import { CsvUploadStorage } from './csv-upload.storage';

/** Provides the multer storage engine so MulterModule.registerAsync can inject it. */
@Module({
  imports: [StorageModule],
  providers: [CsvUploadStorage],
  exports: [CsvUploadStorage],
})
export class UploadModule {}
