/**
 * The matcher engine: a matcher is plain data (an object of fields, every one of which must match;
 * `not`, `any`, `all` to combine them), compiled once against a table of fields into a predicate and
 * an `explain` that says why. The vocabularies (packet-match.ts for rules, event-filter.ts for the
 * event stream) are only tables: what each field is called, what kind of value it takes, and how to
 * read it from the subject. So a field reads the same in every vocabulary, and a host (the panel's
 * rows, the proxy's bus events) supplies only the getters.
 */
import { MatchError } from './errors.js';
import { isRegexValue, quote, valueRegex, type StringValue } from './pattern.js';
import { describeTextMatch, packetMatches, parseTextQuery } from './text.js';

/** One value, or any of several. */
export type OneOrMore<T> = T | readonly T[];

/** The combinators every vocabulary has beside its fields. */
export interface Combinators<M> {
  /** Matches when this does not. */
  not?: M;
  /** Matches when at least one of these does. */
  any?: readonly M[];
  /** Matches when every one of these does (the fields of one object already do: for lists of `not`). */
  all?: readonly M[];
}

/** One line of an explanation: a field, whether it holds for the subject, and what was seen. */
export interface Reason {
  field: string;
  matched: boolean;
  text: string;
}

export interface Explanation {
  matched: boolean;
  reasons: Reason[];
}

export interface Matcher<S, M> {
  /** The data it was compiled from (JSON-safe: send it, store it, compile it again). */
  readonly spec: M;
  readonly test: (subject: S) => boolean;
  /** Why the subject matches or not; slower than `test`, for views and error messages. */
  explain(subject: S): Explanation;
}

/** How one field of a vocabulary is read from the subject, and what its values may be. */
export type FieldDef<S> =
  | {
      kind: 'enum';
      /** `an event type`: for errors. */
      label: string;
      values: readonly string[];
      get(s: S): string | undefined;
      /** A getter chosen by the value (a packet `type` is Engine.IO's or Socket.IO's). */
      getFor?(value: string): (s: S) => string | undefined;
    }
  | {
      kind: 'pattern';
      get(s: S): string | undefined;
      /** Strings are always exact (namespaces and URLs start with a slash): regexes as `{ regex }`. */
      literal?: boolean;
    }
  | {
      kind: 'text';
      name(s: S): string | undefined;
      text(s: S): string;
      /** The host found the text where `text(s)` cannot see (the proxy's full-payload search). */
      also?(s: S): boolean;
    }
  | { kind: 'number'; get(s: S): number | undefined }
  | { kind: 'boolean'; get(s: S): boolean | undefined };

export type FieldTable<S> = Readonly<Record<string, FieldDef<S>>>;

interface Node<S> {
  test: (s: S) => boolean;
  explain(s: S): Reason[];
}

const always: Node<unknown> = { test: () => true, explain: () => [] };

/** Compiles `spec` over `fields`; throws a MatchError naming the field at fault. */
export function compileMatcher<S, M extends object>(
  spec: M,
  fields: FieldTable<S>,
  path = '',
): Matcher<S, M> {
  const node = compileNode(spec, fields, path);
  return {
    spec,
    test: node.test,
    explain: (s) => ({ matched: node.test(s), reasons: node.explain(s) }),
  };
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function compileNode<S>(spec: unknown, fields: FieldTable<S>, path: string): Node<S> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw new MatchError(path || 'match', 'expected an object of fields', path || 'match');
  const nodes: Node<S>[] = [];
  // The text is the dearest test: it goes last, after every cheap field had its chance to say no.
  const last: Node<S>[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    const at = join(path, key);
    if (key === 'not') nodes.push(negate(compileNode(value, fields, at)));
    else if (key === 'any' || key === 'all') {
      if (!Array.isArray(value)) throw new MatchError(key, 'expected a list of matchers', at);
      if (key === 'any' && value.length === 0) throw new MatchError(key, 'expected at least one matcher', at);
      const children = value.map((v, i) => compileNode(v, fields, `${at}[${i}]`));
      nodes.push(key === 'any' ? anyOf(children) : allOf(children));
    } else {
      const def = fields[key];
      if (!def)
        throw new MatchError(
          key,
          `unknown field (fields: ${[...Object.keys(fields), 'not', 'any', 'all'].join(', ')})`,
          at,
        );
      (def.kind === 'text' ? last : nodes).push(compileField(key, def, value, at));
    }
  }
  return allOf([...nodes, ...last]);
}

function allOf<S>(nodes: Node<S>[]): Node<S> {
  if (nodes.length === 0) return always;
  if (nodes.length === 1) return nodes[0] as Node<S>;
  const tests = nodes.map((n) => n.test);
  return {
    test: (s) => {
      for (const t of tests) if (!t(s)) return false;
      return true;
    },
    explain: (s) => nodes.flatMap((n) => n.explain(s)),
  };
}

function anyOf<S>(nodes: Node<S>[]): Node<S> {
  if (nodes.length === 1) return nodes[0] as Node<S>;
  const tests = nodes.map((n) => n.test);
  return {
    test: (s) => {
      for (const t of tests) if (t(s)) return true;
      return false;
    },
    // The first alternative that holds is the reason; when none does, every one says why not.
    explain: (s) => {
      const hit = nodes.find((n) => n.test(s));
      return hit ? hit.explain(s) : nodes.flatMap((n) => n.explain(s));
    },
  };
}

function negate<S>(node: Node<S>): Node<S> {
  const test = node.test;
  return {
    test: (s) => !test(s),
    explain: (s) => node.explain(s).map((r) => ({ ...r, matched: !r.matched, text: `not: ${r.text}` })),
  };
}

function compileField<S>(key: string, def: FieldDef<S>, value: unknown, path: string): Node<S> {
  if (!Array.isArray(value)) return compileValue(key, def, value, path);
  if (value.length === 0 || def.kind === 'boolean')
    throw new MatchError(key, def.kind === 'boolean' ? 'expected true or false' : 'expected a value', path);
  return anyOf(value.map((v, i) => compileValue(key, def, v, `${path}[${i}]`)));
}

function regexLeaf<S>(key: string, get: (s: S) => string | undefined, re: RegExp): Node<S> {
  const holds = (v: string | undefined) => v !== undefined && re.test(v);
  return { test: (s) => holds(get(s)), explain: explainLeaf(key, get, `${re}`, holds, true) };
}

/** The common case, as one closure: the panel's filtered view runs it over 200 000 rows. */
function equalLeaf<S, V>(key: string, get: (s: S) => V | undefined, value: V): Node<S> {
  const wanted = typeof value === 'string' ? quote(value) : String(value);
  return { test: (s) => get(s) === value, explain: explainLeaf(key, get, wanted, (v) => v === value) };
}

function explainLeaf<S, V>(
  key: string,
  get: (s: S) => V | undefined,
  wanted: string,
  holds: (v: V | undefined) => boolean,
  regex = false,
): Node<S>['explain'] {
  return (s) => {
    const v = get(s);
    const matched = holds(v);
    const text =
      v === undefined
        ? `no ${key} (wanted ${wanted})`
        : regex
          ? `${key} ${quote(v)} ${matched ? 'matches' : 'does not match'} ${wanted}`
          : matched
            ? `${key} is ${quote(v)}`
            : `${key} is ${quote(v)} (wanted ${wanted})`;
    return [{ field: key, matched, text }];
  };
}

function compileValue<S>(key: string, def: FieldDef<S>, value: unknown, path: string): Node<S> {
  const wrongType = (expected: string) => new MatchError(key, `expected ${expected}`, path);
  switch (def.kind) {
    case 'enum': {
      if (typeof value !== 'string') throw wrongType(`${def.label}: ${def.values.join(' ')}`);
      if (!def.values.includes(value)) {
        const reason = `not ${def.label} (${def.values.join(' ')})`;
        throw new MatchError(key, reason, path, `${path}: ${quote(value)} is ${reason}`);
      }
      return equalLeaf(key, def.getFor?.(value) ?? def.get, value);
    }
    case 'pattern': {
      if (typeof value !== 'string' && !isRegexValue(value))
        throw wrongType(
          def.literal
            ? 'a string (exact) or { regex, flags }'
            : 'a string (exact, or "/regex/flags") or { regex, flags }',
        );
      const re = compileRegexSafely(key, path, () => valueRegex(value, def.literal));
      if (!re) return equalLeaf(key, def.get, value);
      return regexLeaf(key, def.get, re);
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType('a number');
      return equalLeaf(key, def.get, value);
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType('true or false');
      return equalLeaf(key, def.get, value);
    case 'text':
      if (typeof value === 'string' || isRegexValue(value)) return textNode(key, def, value, path);
      throw wrongType('a string (text to find, any case, or "/regex/flags") or { regex, flags }');
  }
}

function compileRegexSafely<T>(key: string, path: string, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    throw new MatchError(key, `invalid regex: ${(err as Error).message}`, path);
  }
}

function textNode<S>(
  key: string,
  def: FieldDef<S> & { kind: 'text' },
  value: StringValue,
  path: string,
): Node<S> {
  const query =
    typeof value === 'string'
      ? parseTextQuery(value)
      : { re: compileRegexSafely(key, path, () => valueRegex(value) as RegExp), regex: true };
  if (!query) return always; // blank: as if not given
  if ('error' in query) throw new MatchError(key, query.error, path);
  const { re } = query;
  const { name, text, also } = def;
  const inText = (s: S) => packetMatches(re, name(s), s, text);
  const test = also ? (s: S) => inText(s) || also(s) : inText;
  const what = query.regex ? `${re}` : `${quote(String(value).trim())} (any case)`;
  return {
    test,
    explain: (s) => {
      if (inText(s))
        return [{ field: key, matched: true, text: describeTextMatch(re, what, name(s), text(s)) }];
      if (also?.(s)) return [{ field: key, matched: true, text: `${key} ${what} found in the full payload` }];
      return [{ field: key, matched: false, text: `${key} does not match ${what}` }];
    },
  };
}
