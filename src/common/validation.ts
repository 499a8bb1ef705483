/**
 * Composite validation decorators for request DTOs: each one carries the class-validator rules, the
 * class-transformer normalisation and the Swagger schema of one kind of field, so DTOs stay one line
 * per property and the same field is validated the same way everywhere.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';

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

/** Plain decimal digits, nothing else: no sign, exponent, radix prefix, point, separator or space. */
const DIGITS = /^[0-9]{1,15}$/;

/**
 * The whole number a query parameter spells with plain decimal digits, or null. "1e1", "0x10",
 * "0b11", "1.0", " 1", "-0", "+1", "1_000", full-width digits and arrays (a repeated parameter) are
 * not numbers here, whatever Number() makes of them; 16 digits and more are out of every range.
 */
export function plainInteger(value: unknown): number | null {
  return typeof value === 'string' && DIGITS.test(value) ? Number(value) : null;
}

/** An optional integer query parameter, from min to max, written with plain decimal digits only. */
export function QueryInt({ min, max, default: fallback }: QueryIntOptions): PropertyDecorator {
  return applyDecorators(
    // class-transformer runs before validation: only plain digits become a number, the rest stays a
    // string and fails below.
    Transform(({ value }) => plainInteger(value) ?? value),
    IsOptional(),
    ValidateBy({
      name: 'isQueryInt',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a whole number from ${min} to ${max}, written with digits only`,
      },
    }),
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max, default: fallback }),
  );
}

/**
 * An optional boolean query parameter: exactly `true` or `false` (a query string has no booleans, and
 * `?dryRun=yes` or `?dryRun=1` is more likely a mistake than a wish).
 */
export function QueryBool(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsOptional(),
    IsBoolean({ message: '$property must be true or false' }),
    ApiPropertyOptional({ type: 'boolean', default: false }),
  );
}

/** Refuses a string holding U+0000, which PostgreSQL cannot store or compare. */
export function NoNulCharacter(): PropertyDecorator {
  return ValidateBy({
    name: 'noNulCharacter',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
      defaultMessage: (args) => `${args?.property ?? 'value'} must not contain the NUL character (U+0000)`,
    },
  });
}

/** An optional free-text search; blank means no filter. */
export function QuerySearch(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim() || undefined : value)),
    IsOptional(),
    IsString(),
    NoNulCharacter(),
    MaxLength(NAME_MAX_LENGTH),
    ApiPropertyOptional({
      maxLength: NAME_MAX_LENGTH,
      description: 'Case-insensitive substring of the code or the name.',
    }),
  );
}
