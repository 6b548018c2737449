/**
 * Documented limits shared by the schemas and the state machine.
 * @module
 */

/** Most instance ids one `queryInstance` may name (comma-separated). */
export const MAX_QUERY_IDS = 100;
