/**
 * Upsert and update runs: the rows of the file whose pair the client has before the import. They are
 * the file's already-assigned rows (as in create mode) plus a share `existing` of its new rows, drawn
 * by a PRNG of their own so that the file's bytes depend on neither the share nor the mode. Every
 * pre-assigned pair gets the same values (PRE_ASSIGNED_VALUES), which most rows differ from (Updated)
 * and some do not (Unchanged): which ones is known exactly once the catalog prices are.
 */

export interface Pair {
  client: number;
  service: number;
}

/** What the benchmark stores for a pre-assigned pair (database.insertExistingPairs). */
export const PRE_ASSIGNED_VALUES = 'quantity 1, the catalog price, no dates, no notes';

/** The cells of a valid row, as written to the file ('' for an empty cell). */
export interface RowValues {
  quantity: string;
  unitPrice: string;
  startDate: string;
  endDate: string;
  notes: string;
}

export class PreAssignedRows {
  /** The new rows' pairs that are assigned before the import (not the already-assigned ones). */
  readonly newPairs: Pair[] = [];
  /** Rows whose pair is pre-assigned: newPairs plus the already-assigned rows. */
  rows = 0;
  /** Of those, rows that keep every stored value whatever the catalog price (no price given). */
  private equalWithoutPrice = 0;
  /** Rows equal to the stored values if the price they give (in cents) is their service's catalog price. */
  private readonly equalIfCatalogPrice: { service: number; cents: number }[] = [];

  /** `rand`: a PRNG of its own, not the file's. */
  constructor(
    private readonly rand: () => number,
    private readonly share: number,
  ) {}

  /** Whether the next new row's pair is pre-assigned (a share `share` of them). */
  takesNewRow(): boolean {
    return this.share > 0 && this.rand() < this.share;
  }

  /** A row whose pair is pre-assigned; `isNew` when it is one of the file's new rows. */
  add(pair: Pair, values: RowValues, isNew: boolean): void {
    if (isNew) this.newPairs.push(pair);
    this.rows++;
    // An empty cell keeps the stored value; the stored dates and notes are empty, the quantity 1.
    const same =
      (values.quantity === '' || Number(values.quantity) === 1) &&
      values.startDate === '' &&
      values.endDate === '' &&
      values.notes === '';
    if (!same) return;
    if (values.unitPrice === '') this.equalWithoutPrice++;
    else this.equalIfCatalogPrice.push({ service: pair.service, cents: cents(values.unitPrice) });
  }

  /** Rows that must come out Unchanged, given each service's catalog price in cents. */
  unchanged(catalogCents: (service: number) => number): number {
    let n = this.equalWithoutPrice;
    for (const row of this.equalIfCatalogPrice) if (row.cents === catalogCents(row.service)) n++;
    return n;
  }
}

/** "12", "12.5" or "12.50" as a whole number of cents, without floating-point rounding. */
export function cents(price: string): number {
  const [whole, fraction = ''] = price.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}
