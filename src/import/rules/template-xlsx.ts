/**
 * The template as an .xlsx workbook (GET /api/service-imports/template.xlsx): the CSV template's rows
 * with the cells a spreadsheet user would type, a number as a number, a price with two decimals, a
 * date as a date cell, so that it imports back as the CSV template does.
 */
import * as ExcelJS from 'exceljs';
import { TEMPLATE_ROWS } from './report-csv';

const NUMBER_COLUMNS = new Set(['quantity', 'unitPrice']);
const DATE_COLUMNS = new Set(['startDate', 'endDate']);

export async function templateWorkbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Assignments');
  const [header, ...rows] = TEMPLATE_ROWS;
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) {
    const added = sheet.addRow(
      row.map((value, i) => {
        if (value === '') return null;
        if (NUMBER_COLUMNS.has(header[i])) return Number(value);
        if (DATE_COLUMNS.has(header[i])) return new Date(`${value}T00:00:00Z`);
        return value;
      }),
    );
    added.eachCell((cell, col) => {
      const name = header[col - 1];
      if (name === 'unitPrice') cell.numFmt = '0.00';
      if (DATE_COLUMNS.has(name)) cell.numFmt = 'yyyy-mm-dd';
    });
  }
  header.forEach((_, i) => (sheet.getColumn(i + 1).width = 14));
  return Buffer.from(await book.xlsx.writeBuffer());
}
