/** `PRAGMA application_id` of an avma-agent database: 'AVMA' in ASCII (set by migration 1). */
export const AVMA_APPLICATION_ID = 0x41564d41;
