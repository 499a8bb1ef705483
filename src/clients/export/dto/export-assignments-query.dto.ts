import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CODE_MAX_LENGTH, CODE_PATTERN } from '../../../common/validation';

/** Codes per filter: far more than a person types, few enough for one query string and one lookup. */
export const EXPORT_MAX_CODES = 1000;

/** A repeatable query parameter of codes (`?client=A&client=B`): one value or many, each a code. */
function CodeList(what: string, example: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value)),
    IsOptional(),
    ArrayMaxSize(EXPORT_MAX_CODES, { message: `$property may name at most ${EXPORT_MAX_CODES} codes` }),
    IsString({ each: true }),
    Length(1, CODE_MAX_LENGTH, {
      each: true,
      message: `each $property must be 1 to ${CODE_MAX_LENGTH} characters long`,
    }),
    Matches(CODE_PATTERN, {
      each: true,
      message: `each $property may contain only letters, digits, '-', '_' and '.'`,
    }),
    ApiPropertyOptional({
      type: [String],
      maxItems: EXPORT_MAX_CODES,
      example: [example],
      description:
        `Only the assignments of these ${what} codes (repeat the parameter for more; compared ` +
        'case-insensitively). An unknown code is a 400 naming it. All when absent.',
    }),
  );
}

export class ExportAssignmentsQueryDto {
  @CodeList('client', 'C000001')
  client?: string[];

  @CodeList('service', 'S0001')
  service?: string[];
}
