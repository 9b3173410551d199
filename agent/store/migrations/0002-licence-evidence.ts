/**
 * Migration 2: a VM's licence state is a conclusion from evidence (issue: evidence before claims).
 * - `observations.license_status` / `channel` become the CONCLUSION; `evidence` says what it rests on
 *   (`host`: a 12310 from the host's own Application log, `guest`: the guest agent's untrusted status,
 *   `host+guest`: both agree, `none`); `claimed_license_status` / `claimed_channel` keep the guest's own
 *   words (NULL when it reported no valid status), so a view can show a claim next to the conclusion.
 * - Rows written before this migration held the guest's words only: they are marked `guest` with the
 *   claim copied, never upgraded to host evidence after the fact.
 * - `events.vm_match` records how a host event was attributed to its VM (`vm-id`, `vm-name`, `fqdn`,
 *   `message-id`, `time`): the layout of 12310 is UNCONFIRMED, so every attribution says how it was made.
 * - A partial index finds a VM's latest host event without scanning its guest and audit events.
 */
export const MIGRATION_0002_LICENCE_EVIDENCE = `
ALTER TABLE observations ADD COLUMN evidence TEXT NOT NULL DEFAULT 'none';
ALTER TABLE observations ADD COLUMN claimed_license_status TEXT;
ALTER TABLE observations ADD COLUMN claimed_channel TEXT;
UPDATE observations
   SET evidence = 'guest', claimed_license_status = license_status, claimed_channel = channel
 WHERE license_status <> 'unknown' OR channel <> 'unknown';

ALTER TABLE events ADD COLUMN vm_match TEXT;
UPDATE events SET vm_match = 'vm-id' WHERE source = 'host' AND vm_id IS NOT NULL;
CREATE INDEX events_vm_host_time ON events(vm_id, time) WHERE source = 'host';
`;
