import { HEADER } from './imports';

/**
 * A deterministic import file of `rows` rows over clients K1..K200 and services Z1..Z(rows/200):
 * mostly new pairs, with unknown clients (every 50th row + 7), invalid quantities (+13) and
 * repeats of the previous row's pair (+21) mixed in.
 */
export function bigImportFile(rows: number): {
  csv: string;
  clients: string[];
  services: [string, string][];
} {
  const clients = Array.from({ length: 200 }, (_, i) => `K${i + 1}`);
  const services = Array.from({ length: Math.ceil(rows / 200) }, (_, i): [string, string] => [
    `Z${i + 1}`,
    '5.00',
  ]);
  const lines = ['clientCode,serviceCode,quantity,notes'];
  let previous = '';
  for (let i = 0; i < rows; i++) {
    const pair = `K${(i % 200) + 1},Z${Math.floor(i / 200) + 1}`;
    switch (i % 50) {
      case 7:
        lines.push(`NOPE${i},Z1,1,unknown client`);
        break;
      case 13:
        lines.push(`${pair},abc,bad quantity`);
        break;
      case 21:
        lines.push(`${previous},2,repeat`);
        break;
      default:
        lines.push(`${pair},${(i % 5) + 1},row ${i}`);
        previous = pair;
    }
  }
  return { csv: lines.join('\n') + '\n', clients, services };
}

/** The stored values bigUpsertFile's rows meet (a subset of StoredAssignment, as seedAssignments takes it). */
export interface SeededAssignment {
  client: string;
  service: string;
  quantity: number;
  unitPrice: string;
  startDate: string | null;
  endDate: string | null;
  notes: string | null;
  importCode: null;
  id: null;
}

/**
 * An upsert file of `rows` rows over the same clients and services as bigImportFile (pair i is
 * K(i % 200 + 1)/Z(i / 200 + 1)), and the assignments to run it against: pair i is stored when
 * i % 4 < 2 (about half), quantity 9 and notes 'seeded' (most: Updated) or the row's own quantity
 * and notes (i % 3 === 0: Unchanged, unless the row gives more), price 7.00, start 2026-01-01.
 * Special rows, by i % 50:
 * - 7 an unknown client (Skipped CLIENT_NOT_FOUND), 13 an invalid quantity (Error),
 * - 21 the previous row's pair again (Skipped DUPLICATE_IN_FILE, naming that row), 29 the pair of
 *   row i - 1037 again (the same, from a batch committed before: after a crash, from before it),
 * - 33 an end date before the stored start (Error INVALID_DATE_RANGE; Created when not stored),
 * - 41 a new end date and #CLEAR of the notes, 45 a new unit price.
 */
/** How far back a row of bigUpsertFile repeats a pair (i % 50 === 29): more than a batch. */
const FAR = 1037;

export function bigUpsertFile(rows: number): {
  csv: string;
  clients: string[];
  services: [string, string][];
  stored: SeededAssignment[];
} {
  const { clients, services } = bigImportFile(rows);
  const lines = [HEADER];
  const stored: SeededAssignment[] = [];
  let previous = '';
  for (let i = 0; i < rows; i++) {
    const client = `K${(i % 200) + 1}`;
    const service = `Z${Math.floor(i / 200) + 1}`;
    const pair = `${client},${service}`;
    const quantity = (i % 5) + 1;
    if (i % 4 < 2) {
      const same = i % 3 === 0;
      stored.push({
        client,
        service,
        quantity: same ? quantity : 9,
        unitPrice: '7.00',
        startDate: '2026-01-01',
        endDate: null,
        notes: same ? `row ${i}` : 'seeded',
        importCode: null,
        id: null,
      });
    }
    switch (i % 50) {
      case 7:
        lines.push(`NOPE${i},Z1,1,,,,unknown client`);
        continue;
      case 13:
        lines.push(`${pair},abc,,,,bad quantity`);
        continue;
      case 21:
        lines.push(`${previous},2,,,,repeat`);
        continue;
      case 29:
        if (i < FAR) break;
        lines.push(`K${((i - FAR) % 200) + 1},Z${Math.floor((i - FAR) / 200) + 1},3,,,,far repeat`);
        continue;
      case 33:
        lines.push(`${pair},${quantity},,,2025-06-30,row ${i}`);
        break;
      case 41:
        lines.push(`${pair},,,,2027-12-31,#CLEAR`);
        break;
      case 45:
        lines.push(`${pair},${quantity},12.5,,,row ${i}`);
        break;
    }
    if (lines.length === i + 1) lines.push(`${pair},${quantity},,,,row ${i}`);
    previous = pair;
  }
  return { csv: lines.join('\n') + '\n', clients, services, stored };
}
