/**
 * Where `produce` answers: the production address itself, V2 by POST and V1 by GET (docs/design.md §1).
 * @module
 */
import type { Route } from '../callback/spec';

/** The routes of `produce`. */
export const PRODUCE_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/' },
  { method: 'GET', path: '/' },
];
