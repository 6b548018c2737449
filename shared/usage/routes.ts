/**
 * Where usage is reported (data only, so the route table loads nothing else): the `usage-ingest` function
 * answers `POST /usage`, HMAC-signed by the merchant's own back end.
 * @module
 */
import type { Route } from '../callback/spec';

/** The ingestion path. */
export const USAGE_INGEST_PATH = '/usage';

/** The routes of the `usage-ingest` function. */
export const USAGE_INGEST_ROUTES: readonly Route[] = [{ method: 'POST', path: USAGE_INGEST_PATH }];
