/** kbench's live consumers heartbeat every 500 ms, so members learn of a rebalance (a join, new
 * partitions) within half a second; clients want heartbeats shorter than the session, so a session
 * under 1.5 s gets a third of it. Calibration measures the rebalance round with the same value. */
export const consumerHeartbeatMs = (sessionTimeoutMs: number): number => Math.max(1, Math.min(500, Math.floor(sessionTimeoutMs / 3)));
