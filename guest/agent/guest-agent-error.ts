/** The one error type of the guest agent layer: only misuse throws; platform trouble is reported. */
export type GuestAgentErrorCode = 'INVALID_OPTION';

export class GuestAgentError extends Error {
  override readonly name = 'GuestAgentError';

  constructor(
    readonly code: GuestAgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}
