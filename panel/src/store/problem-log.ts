/**
 * The problems list, from `problem` events: bounded (the oldest go first past MAX_PROBLEMS) and
 * merged, so that an error repeated on every poll is one line with a count rather than thousands.
 */
import type { ProblemEvent } from '../../../shared/events.js';
import type { Problem } from './model.js';

export const MAX_PROBLEMS = 2000;
/** Seqs remembered per merged problem (the first ones and the latest). */
const MAX_SEQS = 50;

export class ProblemLog {
  private readonly byId = new Map<string, Problem>();
  /** Problems ever raised, merged repeats included. */
  total = 0;
  /** Bumped on every change, for memoised selectors. */
  version = 0;

  add(e: ProblemEvent): Problem {
    const id = `${e.kind}\u0000${e.sessionId ?? ''}\u0000${e.title}`;
    this.total++;
    this.version++;
    const prior = this.byId.get(id);
    let problem: Problem;
    if (prior) {
      const seqs = [...prior.seqs, ...e.seqs];
      problem = {
        ...prior,
        count: prior.count + 1,
        lastTs: e.ts,
        seqs: seqs.length > MAX_SEQS ? [...seqs.slice(0, 10), ...seqs.slice(-(MAX_SEQS - 10))] : seqs,
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
      };
      this.byId.delete(id); // re-inserted below: the map stays ordered by the latest occurrence
    } else {
      const { type: _type, seq: _seq, importedFrom: _from, ...fields } = e;
      problem = { ...fields, id, count: 1, lastTs: e.ts };
    }
    this.byId.set(id, problem);
    if (this.byId.size > MAX_PROBLEMS) {
      const oldest = this.byId.keys().next();
      if (!oldest.done) this.byId.delete(oldest.value);
    }
    return problem;
  }

  /** Problems, the most recent occurrence last. */
  list(): Problem[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    this.total = 0;
    this.version++;
  }
}
