// Why a workbook upload is refused, or why reading one stops: the sentence its uploader reads.
import { UploadRejectedError } from '../upload-rejections';

const SAVE_AS = 'save it as an Excel Workbook (.xlsx) or as CSV UTF-8, and upload again';

export function notAWorkbook(): UploadRejectedError {
  return new UploadRejectedError(
    415,
    'The file is a zip archive but not an Excel workbook (.xlsx): it has no xl/workbook.xml ' +
      `(a Word or OpenDocument file, or another archive?). Open it in a spreadsheet program, ${SAVE_AS}.`,
  );
}

export function oldExcelFormat(): UploadRejectedError {
  return new UploadRejectedError(
    415,
    `The file is an old-format Excel 97-2003 workbook (.xls), which is not read: open it in Excel or LibreOffice, ${SAVE_AS}.`,
  );
}

export function encryptedWorkbook(): UploadRejectedError {
  return new UploadRejectedError(
    415,
    'The file is a password-protected (encrypted) Excel workbook, which cannot be read: remove the password ' +
      `(in Excel: File > Info > Protect Workbook > Encrypt with Password, clear it), ${SAVE_AS}.`,
  );
}

export function otherOfficeDocument(): UploadRejectedError {
  return new UploadRejectedError(
    415,
    `The file is an old-format Office document (OLE2 compound file, such as .doc or .ppt), not a workbook: ${SAVE_AS}.`,
  );
}

/** The bound on what a workbook inflates to (IMPORT_MAX_XLSX_INFLATED_BYTES) was reached. */
export function inflatedTooLarge(max: number): UploadRejectedError {
  return new UploadRejectedError(
    413,
    `The workbook unpacks to more than ${max} bytes (IMPORT_MAX_XLSX_INFLATED_BYTES), the limit for a workbook's ` +
      'content once unzipped (a zip bomb, or a workbook far larger than its rows need): remove what the import ' +
      'does not need (other sheets, images, formatting) or save it as CSV, and upload again.',
  );
}

export function unknownSheet(name: string, names: string[]): UploadRejectedError {
  return new UploadRejectedError(
    400,
    `The workbook has no sheet named "${name}"; its sheets are ${names.map((n) => `"${n}"`).join(', ')}. ` +
      'Pass one of them as ?sheet=, or leave it out for the first sheet.',
  );
}

export function emptySheet(sheet: string): UploadRejectedError {
  return new UploadRejectedError(
    400,
    `Sheet "${sheet}" is empty: it has no header row. Put the column names (at least clientCode and serviceCode) ` +
      'in its first row, or download the template (GET /api/service-imports/template.xlsx).',
  );
}

/** A zip or XML the reader cannot make sense of: a damaged or truncated workbook. */
export function damagedWorkbook(cause: Error): UploadRejectedError {
  return new UploadRejectedError(
    400,
    `The file starts like an Excel workbook (.xlsx) but cannot be read as one (${cause.message}); it may be ` +
      `damaged or cut short. Open it in a spreadsheet program, ${SAVE_AS}.`,
  );
}
