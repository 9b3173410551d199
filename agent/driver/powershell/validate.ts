import type { z } from 'zod';
import { DriverError } from '../driver-error.js';
import type { PsOperation } from './operations.js';

/** Describes the first zod issue on one line: `Vms.3.State: expected a VM state name`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}

/**
 * Parses a script result with a strict schema. Throws DriverError 'BAD_RESPONSE' naming the operation
 * and the first problem; never returns a partly valid value.
 */
export function parseStrict<T extends z.ZodType>(
  operation: PsOperation,
  schema: T,
  value: unknown,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DriverError(
      'BAD_RESPONSE',
      `${operation}: result does not match the expected schema: ${describeIssue(result.error)}`,
    );
  }
  return result.data;
}
