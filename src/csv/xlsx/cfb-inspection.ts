/**
 * An OLE2 compound file (signature D0 CF 11 E0): an Excel 97-2003 workbook (.xls), a password-protected
 * workbook of any version (Excel encrypts an .xlsx into a compound file holding EncryptionInfo and
 * EncryptedPackage streams) or another old Office document. Neither can be read; which one it is
 * decides the sentence of the 415. The directory names its streams in UTF-16LE, wherever in the file
 * its sectors are, so the bytes are searched as they pass.
 */
import { encryptedWorkbook, oldExcelFormat, otherOfficeDocument } from './xlsx-rejections';

export const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const utf16 = (name: string) => Buffer.from(name, 'utf16le');
const ENCRYPTED = [utf16('EncryptionInfo'), utf16('EncryptedPackage')];
const EXCEL = [utf16('Workbook'), utf16('Book')];
const OVERLAP = 64;

export class CfbInspection {
  private tail = Buffer.alloc(0);
  private excel = false;

  /** Throws the 415 as soon as the file shows it is encrypted. */
  write(chunk: Buffer): void {
    const window = Buffer.concat([this.tail, chunk]);
    if (ENCRYPTED.some((name) => window.includes(name))) throw encryptedWorkbook();
    this.excel ||= EXCEL.some((name) => window.includes(name));
    this.tail = window.subarray(Math.max(0, window.length - OVERLAP));
  }

  /** Always throws: the 415 naming what the file is. */
  end(): never {
    throw this.excel ? oldExcelFormat() : otherOfficeDocument();
  }
}
