/**
 * The fake KooGallery open API (query order, usage push) with its own AK/SK and body-signature code.
 * @module
 */
export { startFakeOpenApi, type FakeOpenApiOptions, type RunningFakeOpenApi } from './server';
export { FakeOpenApi, MAX_USAGE_BATCH, MKT_STATUS, OPENAPI_PATHS, type FakeFaults, type FakeLedger, type FakeLogEntry, type FakeOpenApiConfig, type FakeRequest, type FakeResponse, type LedgerRecord, type RejectedRecord } from './fakeOpenApi';
export { akskEncode, canonicalQuery, canonicalRequest, canonicalUri, formatSdkDate, parseSdkDate, signAkSkRequest, verifyAkSk, type AkSkRequest, type AkSkVerdict } from './akskVerifier';
export { sortedJson, usageBodySignature, verifyUsageBodySignature } from './bodySignature';
export { mockOrders, type FakeOrder, type FakeOrderLine } from './orders';
export { checkUsageRecord, usageValueProblem, USAGE_WINDOW_MS, type AbnormalRecord, type WireUsageRecord } from './records';
