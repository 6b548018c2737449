/**
 * ioredis settings that bound every Store call: once connected, each command rejects within
 * {@link COMMAND_TIMEOUT_MS} when Redis hangs and at once while it is disconnected (no offline queue), the one
 * timeout mechanism of a call (RedisStore adds no timer of its own); before the first connection RedisStore
 * waits at most {@link STORE_DEADLINE_MS}. Both well inside the marketplace's 5 s; the client reconnects by
 * itself.
 * @module
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';

/** TCP connect limit per attempt (ms). */
export const CONNECT_TIMEOUT_MS = 2000;

/** Reply limit per command (ms); also the socket's silence limit while replies are owed. */
export const COMMAND_TIMEOUT_MS = 2000;

/** Limit on a Store call's wait for the first connection of a cold start (ms). */
export const STORE_DEADLINE_MS = 2500;

/** Longest pause between reconnect attempts (ms), so a Redis that comes back is used within ~1 s. */
export const MAX_RECONNECT_DELAY_MS = 1000;

/** Reconnect forever with a short, capped back-off (ms). */
export function reconnectDelay(times: number): number {
  return Math.min(100 * times, MAX_RECONNECT_DELAY_MS);
}

/**
 * Options shared by standalone connections and every cluster node connection.
 * - `enableOfflineQueue` stays false: commands never wait in a client-side queue (they could be sent
 *   long after the caller gave up); RedisStore itself waits for the first `ready`, bounded by its deadline.
 * - `maxRetriesPerRequest: 0`: a command in flight when the connection drops fails at once instead of
 *   being resent after a reconnect.
 * - `protocol: 2`: DCS 4.0/5.0 and Proxy Cluster do not know HELLO; RESP2 also keeps reply shapes uniform.
 * - `socketTimeout`: a socket silent while replies are owed is dropped and reconnected (a failed-over
 *   master behind a stale connection is left at once rather than after TCP keep-alive gives up).
 */
export function nodeOptions(password: string | undefined): Omit<RedisOptions, 'retryStrategy' | 'enableOfflineQueue'> {
  return {
    ...(password === undefined ? {} : { password }),
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    socketTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    keepAlive: 30_000,
    protocol: 2,
    disableClientInfo: true,
  };
}

/** Options of a standalone / master-standby / Proxy Cluster client. */
export function standaloneOptions(password: string | undefined): RedisOptions {
  return { ...nodeOptions(password), enableOfflineQueue: false, retryStrategy: reconnectDelay };
}

/** Options of a Redis Cluster client. */
export function clusterOptions(password: string | undefined): ClusterOptions {
  return {
    redisOptions: nodeOptions(password),
    enableOfflineQueue: false,
    slotsRefreshTimeout: COMMAND_TIMEOUT_MS,
    clusterRetryStrategy: reconnectDelay,
    // ioredis leaves a lost node unconnected until a MOVED; a restarted master keeps its slots and
    // sends none, so reconnect nodes too.
    clusterNodeRetryStrategy: reconnectDelay,
  };
}
