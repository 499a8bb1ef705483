import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { AppConfig } from '../../config/app-config';
import {
  DependencyUnavailableError,
  DomainError,
  InvalidInputError,
  UnsupportedMediaTypeError,
} from '../../common/domain-errors';
import { StorageService } from '../../storage/storage.service';
import { UploadInspector, UploadRejectedError } from '../csv/upload-inspector';
import type { InspectionResult } from '../csv/upload-inspector';

/** What the controller receives for the uploaded file once it is stored and inspected. */
export interface StoredUpload {
  originalname: string;
  key: string;
  size: number;
  inspection: InspectionResult;
}

/**
 * A multer storage engine that streams the upload through the UploadInspector straight into
 * object storage: the file is never held whole in memory, and a file that is not CSV or lacks a
 * required column is refused while it is still arriving.
 */
@Injectable()
export class CsvUploadStorage implements StorageEngine {
  constructor(
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: any, info?: Partial<StoredUpload>) => void,
  ): void {
    const key = `uploads/${randomUUID()}.csv`;
    const inspector = new UploadInspector({
      maxFieldBytes: this.config.import.maxFieldBytes,
      maxColumns: this.config.import.maxColumns,
    });
    let rejected: Error | null = null;
    inspector.on('error', (error: Error) => {
      rejected = error;
      file.stream.unpipe(inspector);
      file.stream.resume(); // let the rest of the request drain so the client reads our answer
    });
    file.stream.pipe(inspector);
    this.storage.put(key, inspector, { contentType: 'text/csv' }).then(
      ({ size }) => {
        if (rejected) return this.discard(key, rejected, callback);
        callback(null, { key, size, inspection: inspector.result() });
      },
      (error) => this.discard(key, rejected ?? error, callback),
    );
  }

  _removeFile(
    _req: Request,
    file: Express.Multer.File & Partial<StoredUpload>,
    callback: (error: Error | null) => void,
  ) {
    if (!file.key) return callback(null);
    this.storage.delete(file.key).then(
      () => callback(null),
      (error) => callback(error),
    );
  }

  private discard(key: string, error: Error, callback: (error?: any) => void): void {
    this.storage.delete(key).catch(() => undefined);
    callback(toDomainError(error));
  }
}

function toDomainError(error: Error): Error {
  if (error instanceof UploadRejectedError) {
    return error.status === 415
      ? new UnsupportedMediaTypeError(error.message)
      : new InvalidInputError(error.message);
  }
  if (error instanceof DomainError) return error;
  return new DependencyUnavailableError(
    `The file could not be stored (${error.message}); nothing was created. Try again shortly.`,
  );
}
