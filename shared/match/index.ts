/**
 * One matcher language for every part that asks "does this match?": a rule's `match` (packets), a
 * `waitFor` filter and `--filter` (stream events), the panel's filter bar, `GET /api/search` (text).
 * Matchers are plain JSON data, compiled once into a predicate that can also explain itself.
 * docs/matching.md describes the language.
 */
export { MatchError } from './errors.js';
export type { Combinators, Explanation, Matcher, OneOrMore, Reason } from './compile.js';
export {
  compilePacketMatch,
  compilePacketMatchOver,
  isHeartbeat,
  PACKET_TYPES,
  type PacketMatch,
  type PacketType,
  type PacketView,
} from './packet-match.js';
export { compilePacketPrefilter, type PacketHead, type SioHead } from './packet-prefilter.js';
export { compileEventFilter, EVENT_TYPES, type EventFilter } from './event-filter.js';
export { EventSubject, type ClientKeyOf, type EventMatchOptions } from './event-subject.js';
export { FilterError, parseFilterExpr } from './filter-syntax.js';
export { escapeRegex, parseRegex, type RegexValue, type StringValue } from './pattern.js';
export { packetMatches, parseTextQuery, searchesArgs, type TextQuery } from './text.js';
export { eventText, jsonPreview } from './event-text.js';
