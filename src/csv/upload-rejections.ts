// Why an upload is refused, as the sentence its uploader reads (the 400 or 415 answer). The upload
// inspector throws these as early as it can tell.

export class UploadRejectedError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'UploadRejectedError';
  }
}

/** A 400 with a sentence made elsewhere (the caller's header check, header detection, the scanner). */
export function refused(message: string): UploadRejectedError {
  return new UploadRejectedError(400, message);
}

/** A known binary format, described by describeBinarySignature. */
export function binaryFile(description: string): UploadRejectedError {
  return new UploadRejectedError(415, description);
}

export function nulBytes(): UploadRejectedError {
  return new UploadRejectedError(
    415,
    'The file contains NUL bytes, so it is not a CSV text file (it may be a binary file, or UTF-16 ' +
      'saved without a byte-order mark): save it as CSV UTF-8 (comma or semicolon delimited) and upload again.',
  );
}

export function emptyFile(): UploadRejectedError {
  return refused(
    'The file is empty: it has no header row. Upload a CSV whose first row names the columns ' +
      '(at least clientCode and serviceCode), or download the template.',
  );
}

/** `offset` counts from the first byte of the file, the byte-order mark included. */
export function invalidUtf8AfterBom(offset: number): UploadRejectedError {
  return refused(
    'The file starts with a UTF-8 byte-order mark but is not valid UTF-8 (the first invalid byte is at ' +
      `offset ${offset}): save it again as CSV UTF-8 and upload again.`,
  );
}

/** `offset` counts from the first byte of the file, a byte-order mark included. */
export function neitherUtf8Nor1252(byte: number, offset: number): UploadRejectedError {
  return refused(
    'The file is not valid UTF-8, and it is not Windows-1252 text either (byte 0x' +
      `${byte.toString(16).toUpperCase()} at offset ${offset} has no meaning there): ` +
      'save it as CSV UTF-8 and upload again.',
  );
}

/** `why` as Utf16Decoder.problem says it. */
export function invalidUtf16(why: string): UploadRejectedError {
  return refused(
    `The file is marked as UTF-16 by its byte-order mark, but ${why}: save it again as CSV UTF-8 and upload again.`,
  );
}

export function noCompleteHeader(bytes: number): UploadRejectedError {
  return refused(
    `No complete header row was found in the first ${bytes} bytes (an unclosed quote in the ` +
      'header, or a very long run of empty lines): fix the first row and upload again.',
  );
}

export function tooManyColumns(
  columns: number,
  limit: number,
  columnsRead: readonly string[],
): UploadRejectedError {
  return refused(
    `The header row has ${columns} columns; the limit is ${limit} (IMPORT_MAX_COLUMNS). ` +
      `Remove the columns you do not need (the import reads ${columnsRead.join(', ')}) and upload again.`,
  );
}
