/** A control request the proxy cannot carry out, with the HTTP status the control API answers. */
export class InterventionError extends Error {
  constructor(
    /** 400 bad field (named in the message), 404 unknown session/rule/packet, 409 session closed. */
    readonly status: 400 | 404 | 408 | 409 | 501,
    message: string,
  ) {
    super(message);
  }
}
