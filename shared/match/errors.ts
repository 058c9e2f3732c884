/**
 * The one error every part of the matcher language throws on bad input: a bad regex, an unknown
 * field, a value of the wrong type. It names the field, so that an API can answer "400: `event`:
 * invalid regex" and a form can mark the right input.
 */
export class MatchError extends Error {
  override readonly name: string = 'MatchError';
  constructor(
    /** The field at fault (`event`, `type`, ...), or `match` for the matcher as a whole. */
    readonly field: string,
    /** What is wrong with it, without the field's name: `invalid regex: ...`. */
    readonly reason: string,
    /** Where it is in the matcher: `event`, `not.event`, `any[1].type`. */
    readonly path: string = field,
    message = `${path}: ${reason}`,
  ) {
    super(message);
  }
}
