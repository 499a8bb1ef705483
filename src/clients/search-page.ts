import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { SearchPageQueryDto } from '../common/dto/page-query.dto';

/**
 * One page of a catalog-like table (a `code` and a `name`), filtered by a case-insensitive substring
 * of either and ordered by lower(code), which the unique index on lower(code) serves directly.
 */
export async function searchPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  { search, page, limit }: SearchPageQueryDto,
): Promise<[T[], number]> {
  const alias = qb.alias;
  if (search) {
    qb.where(`(${alias}.code ILIKE :pattern OR ${alias}.name ILIKE :pattern)`, {
      pattern: `%${escapeLike(search)}%`,
    });
  }
  return qb
    .orderBy(`lower(${alias}.code)`, 'ASC')
    .offset((page - 1) * limit)
    .limit(limit)
    .getManyAndCount();
}

/** Makes %, _ and \ match themselves in a LIKE pattern (backslash is PostgreSQL's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
