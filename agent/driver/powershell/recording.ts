import { z } from 'zod';
import { PS_OPERATIONS } from './operations.js';

/**
 * Recordings: what a host answered to each operation, in order. `npm run verify:hyperv` writes them
 * (anonymised) on a real host; the tests replay them through the driver, failing on any request that
 * was not recorded and on any recording left unused.
 */

export const RECORDING_FORMAT = 'avma-powershell-recording/1';

export const RecordedStep = z
  .strictObject({
    operation: z.enum(PS_OPERATIONS),
    /** The operation's arguments exactly as the driver builds them. */
    arguments: z.record(z.string(), z.unknown()),
    /** The JSON the host printed after the call marker ({"ok": …} or {"error": …}), as a value… */
    output: z.unknown().optional(),
    /** …or as raw text, for answers that are not JSON at all (garbage, a cut line). */
    outputText: z.string().optional(),
  })
  .refine((step) => (step.output === undefined) !== (step.outputText === undefined), {
    message: 'expected exactly one of output and outputText',
  });
export type RecordedStep = z.infer<typeof RecordedStep>;

export const Recording = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  /** Where the answers come from (a host, anonymised; or the documents they were composed from). */
  source: z.string().min(1),
  /** The host name the recording was made against (anonymised). */
  host: z.string().min(1),
  steps: z.array(RecordedStep),
});
export type Recording = z.infer<typeof Recording>;

/** The exact text the host printed after the marker for one step. */
export function stepOutputText(step: RecordedStep): string {
  return step.outputText ?? JSON.stringify(step.output);
}
