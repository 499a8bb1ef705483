import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { finished } from 'node:stream';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { AppConfig } from '../../config/app-config';
import { DependencyUnavailableError, DomainError, PayloadTooLargeError } from '../../common/domain-errors';
import { StorageService } from '../../storage/storage.service';
import { IMPORT_HEADER } from '../rules/columns';
import { UploadRejectedError } from '../../csv/upload-rejections';
import type { InspectionResult } from '../../csv/upload-inspector';
import { UploadFormatInspector } from '../../csv/xlsx/upload-format';
import type { ServiceImportJob } from '../job/service-import-job.entity';

/** What the controller receives for the uploaded file once it is stored and inspected. */
export interface StoredUpload {
  originalname: string;
  key: string;
  size: number;
  /** `sheet`: the sheet read, when the upload is a workbook. */
  inspection: InspectionResult & { sheet?: string | null };
}

/** What a job records of its stored file: where it is and what the inspection found. */
export function storedFileColumns(
  upload: StoredUpload,
): Pick<
  ServiceImportJob,
  | 'uploadKey'
  | 'fileSize'
  | 'fileSha256'
  | 'encoding'
  | 'delimiter'
  | 'header'
  | 'sheet'
  | 'rowCount'
  | 'uploadProblem'
> {
  const { inspection } = upload;
  return {
    uploadKey: upload.key,
    fileSize: String(upload.size),
    fileSha256: inspection.sha256,
    encoding: inspection.encoding,
    delimiter: inspection.delimiter,
    header: inspection.header,
    sheet: inspection.sheet ?? null,
    rowCount: inspection.rowCount,
    uploadProblem: inspection.problem?.message ?? null,
  };
}

/**
 * A multer storage engine that streams the upload through the UploadFormatInspector (a CSV's
 * UploadInspector, or a workbook's inspection) straight into object storage: the file is never held
 * whole in memory, and a file that cannot be imported or lacks a required column is refused while
 * it is still arriving (a workbook: as soon as its sheet has been read).
 */
@Injectable()
export class CsvUploadStorage implements StorageEngine {
  constructor(
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  _handleFile(
    req: Request,
    file: Express.Multer.File,
    callback: (error?: any, info?: Partial<StoredUpload>) => void,
  ): void {
    // A workbook is stored under the same kind of key: its first bytes say what it is, as they did here.
    const key = `uploads/${randomUUID()}.csv`;
    const sheet = req.query?.sheet;
    const inspector = new UploadFormatInspector({
      header: IMPORT_HEADER,
      maxFieldChars: this.config.import.maxFieldChars,
      maxColumns: this.config.import.maxColumns,
      maxInflatedBytes: this.config.import.maxXlsxInflatedBytes,
      sheet: typeof sheet === 'string' ? sheet : null,
    });
    let rejected: Error | null = null;
    const release = () => {
      file.stream.unpipe(inspector);
      file.stream.resume(); // let the rest of the request drain so the client reads our answer
    };
    inspector.on('error', (error: Error) => {
      rejected ??= error;
      release();
    });
    // Not pipeline(file.stream, inspector): that would destroy multer's stream with our error, and
    // multer would answer with it before this engine could say 400, 415 or 503. Only the other
    // direction is wired: the file stream failing (body cut before its closing boundary, client
    // gone, upload timeout) or passing IMPORT_MAX_FILE_BYTES destroys the inspector, and with it
    // the write into storage, which then closes and removes what it wrote.
    file.stream.pipe(inspector);
    finished(file.stream, (error) => {
      if (error) inspector.destroy(error);
    });
    file.stream.once('limit', () => inspector.destroy(new PayloadTooLargeError('The file is too large')));
    this.storage.put(key, inspector, { contentType: 'text/csv' }).then(
      ({ size }) => {
        if (rejected) return this.discard(key, rejected, callback);
        callback(null, { key, size, inspection: inspector.result() });
      },
      (error) => {
        // A failed put() has already removed what it wrote. If storage failed before reading the
        // whole file, stop inspecting and let the request drain.
        release();
        inspector.destroy();
        callback(toDomainError(rejected ?? error));
      },
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

  /** Answers only once the object is gone, so nothing outlives the request that wrote it. */
  private discard(key: string, error: Error, callback: (error?: any) => void): void {
    void this.storage
      .delete(key)
      .catch(() => undefined)
      .then(() => callback(toDomainError(error)));
  }
}

/**
 * What the request answers: a rejected upload keeps its own 400 or 415 (AllExceptionsFilter maps it,
 * as it maps every domain error); anything else is storage trouble.
 */
function toDomainError(error: Error): Error {
  if (error instanceof UploadRejectedError || error instanceof DomainError) return error;
  return new DependencyUnavailableError(
    `The file could not be stored (${error.message}); nothing was created. Try again shortly.`,
  );
}
