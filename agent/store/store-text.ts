/**
 * The store's text rule (validate.ts `isStoreText`) as a zod schema, for the boundaries where text the
 * store keeps enters the agent: a lab scenario's tenants, the configuration's tenant rules. Validating
 * there with the same rule means a bad value is refused once, naming its path, instead of failing a
 * whole host's sweep transaction later.
 */
import { z } from 'zod';
import { isStoreText, storeTextExpected } from './validate.js';

/** A string the store accepts as text of at most `max` UTF-16 units. */
export function storeText(max: number) {
  return z
    .string()
    .refine((text) => isStoreText(text, max), { message: `expected ${storeTextExpected(max)}` });
}
