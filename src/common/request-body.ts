/**
 * Parsed request bodies (JSON and URL-encoded) are checked once, before any pipe sees them, for what
 * would otherwise fail deep inside: nesting that overflows the stack of class-transformer and
 * class-validator, and NUL characters, which PostgreSQL refuses in text.
 */
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { InvalidInputError } from './domain-errors';

/** Deepest nesting of objects and arrays a request body may have; no DTO comes near it. */
export const MAX_BODY_DEPTH = 64;

interface Pending {
  value: unknown;
  path: string;
  depth: number;
}

/**
 * What is wrong with a parsed body, or null. Walks it without recursion (a body may be nested
 * thousands of levels), depth first, and names the first offending field by its path (`items[2].name`).
 */
export function requestBodyProblem(body: unknown, maxDepth = MAX_BODY_DEPTH): string | null {
  const stack: Pending[] = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as Pending;
    if (typeof value === 'string') {
      if (value.includes('\u0000'))
        return `${path || 'the body'} must not contain the NUL character (U+0000)`;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return `The request body is nested more than ${maxDepth} levels deep`;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const child = path ? `${path}.${key}` : key;
      if (key.includes('\u0000'))
        return `${JSON.stringify(child)}: a property name must not contain the NUL character (U+0000)`;
      stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return null;
}

function checkBody(req: Request, _res: Response, next: NextFunction): void {
  const problem = req.body === undefined ? null : requestBodyProblem(req.body);
  next(problem ? new InvalidInputError(problem) : undefined);
}

/**
 * Nest's own parsers (JSON, URL-encoded, same options) registered here rather than at init, so that
 * the check runs right after them.
 */
export function useCheckedBodyParsers(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json');
  express.useBodyParser('urlencoded', { extended: true });
  app.use(checkBody);
}
