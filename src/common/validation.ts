/**
 * Composite validation decorators for request DTOs: each one carries the class-validator rules, the
 * class-transformer normalisation and the Swagger schema of one kind of field, so DTOs stay one line
 * per property and the same field is validated the same way everywhere.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';

export const CODE_MAX_LENGTH = 64;
export const CODE_PATTERN = /^[A-Za-z0-9._-]+$/;
export const NAME_MAX_LENGTH = 200;
/** numeric(12,2): at most 10 digits before the point and 2 after. */
export const MONEY_PATTERN = /^\d{1,10}(\.\d{1,2})?$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A business code (client or catalog service): trimmed, 1-64 letters, digits, '-', '_' or '.'. */
export function ValidateCode(example: string): PropertyDecorator {
  return applyDecorators(
    Transform(trim),
    IsString(),
    Length(1, CODE_MAX_LENGTH, { message: `$property must be 1 to ${CODE_MAX_LENGTH} characters long` }),
    Matches(CODE_PATTERN, { message: `$property may contain only letters, digits, '-', '_' and '.'` }),
    ApiProperty({
      minLength: 1,
      maxLength: CODE_MAX_LENGTH,
      pattern: CODE_PATTERN.source,
      example,
      description: 'Unique case-insensitively; surrounding spaces are trimmed.',
    }),
  );
}

/** A display name: trimmed, 1-200 characters. */
export function ValidateName(example: string): PropertyDecorator {
  return applyDecorators(
    Transform(trim),
    IsString(),
    Length(1, NAME_MAX_LENGTH, { message: `$property must be 1 to ${NAME_MAX_LENGTH} characters long` }),
    ApiProperty({ minLength: 1, maxLength: NAME_MAX_LENGTH, example }),
  );
}

/**
 * A non-negative amount with at most two decimals, accepted as a JSON number (12.5) or a decimal
 * string ("12.50"). Either way it reaches the service as a decimal string, so it is stored in the
 * numeric(12,2) column without going through floating point arithmetic.
 */
export function ValidateMoney(): PropertyDecorator {
  return applyDecorators(
    // String(12.5) is "12.5" and String(1e-7) is "1e-7", which the pattern then rejects.
    Transform(({ value }) => (typeof value === 'number' ? String(value) : trim({ value }))),
    ValidateBy({
      name: 'isMoney',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && MONEY_PATTERN.test(value),
        defaultMessage: (args) => moneyProblem(args?.property ?? 'value', args?.value),
      },
    }),
    ApiProperty({
      oneOf: [
        { type: 'string', pattern: MONEY_PATTERN.source },
        { type: 'number', minimum: 0, maximum: 9999999999.99, multipleOf: 0.01 },
      ],
      example: '12.50',
      description: 'Non-negative, at most 2 decimals; a JSON number or a decimal string.',
    }),
  );
}

function moneyProblem(property: string, value: unknown): string {
  if (value === undefined || value === null) return `${property} is required`;
  if (typeof value === 'string' && /^-\s*\d/.test(value)) return `${property} must not be negative`;
  if (typeof value === 'string' && /^\d+\.\d{3,}$/.test(value))
    return `${property} must have at most 2 decimals`;
  return `${property} must be a non-negative amount with at most 10 digits before the point and 2 after (e.g. 12.50)`;
}

interface QueryIntOptions {
  min: number;
  max: number;
  /** Omitted: the parameter has no default (absent means absent). */
  default?: number;
}

/** An optional integer query parameter; only plain digits convert ("1.5", "1e2" and "0x10" are rejected). */
export function QueryInt({ min, max, default: fallback }: QueryIntOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value)),
    IsOptional(),
    IsInt({ message: '$property must be a whole number' }),
    Min(min),
    Max(max),
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max, default: fallback }),
  );
}

/** An optional free-text search; blank means no filter. */
export function QuerySearch(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim() || undefined : value)),
    IsOptional(),
    IsString(),
    MaxLength(NAME_MAX_LENGTH),
    ApiPropertyOptional({
      maxLength: NAME_MAX_LENGTH,
      description: 'Case-insensitive substring of the code or the name.',
    }),
  );
}
