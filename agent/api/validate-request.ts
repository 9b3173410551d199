/** Parsing a request's parts with the route's schemas: a failure names the parameter, in one line. */
import type { z } from 'zod';
import { ApiError } from './api-error.js';

function describe(issue: z.core.$ZodIssue, part: string): string {
  if (issue.code === 'unrecognized_keys') {
    return `${part}: unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  const where = issue.path.length === 0 ? part : `${part === 'body' ? 'body.' : ''}${issue.path.join('.')}`;
  return `${where}: ${issue.message}`;
}

/** The parsed value; ApiError BAD_PARAMETER naming the first bad parameter otherwise. */
export function parsePart<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  part: 'path' | 'query' | 'body',
): T {
  if (schema === undefined) {
    const empty =
      value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
    if (!empty && part !== 'path')
      throw new ApiError(
        'BAD_PARAMETER',
        `${part}: this call takes no ${part === 'body' ? 'body' : 'parameters'}`,
      );
    return value as T;
  }
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const [first] = parsed.error.issues;
  throw new ApiError('BAD_PARAMETER', first === undefined ? `${part}: invalid` : describe(first, part));
}
