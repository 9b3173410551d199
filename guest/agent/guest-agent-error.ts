import { LayerError } from '../../shared/errors/index.js';

/** The one error type of the guest agent layer: only misuse throws; platform trouble is reported. */
export const GUEST_AGENT_ERROR_CODES = ['INVALID_OPTION'] as const;
export type GuestAgentErrorCode = (typeof GUEST_AGENT_ERROR_CODES)[number];

export class GuestAgentError extends LayerError<GuestAgentErrorCode> {
  override readonly name = 'GuestAgentError';
  readonly layer = 'guest-agent';
}
