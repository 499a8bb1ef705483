import { Equal, FindOperator, IsNull } from 'typeorm';
import type { Principal } from '../../auth/principal';

/**
 * The `owner` condition that limits a query to one principal's imports: owner IS NOT DISTINCT FROM
 * the principal, written as `IS NULL` / `=` so PostgreSQL can use the owner index.
 */
export function ownedBy(principal: Principal): FindOperator<string> {
  return principal === null ? IsNull() : Equal(principal);
}
