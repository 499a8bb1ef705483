import type { AdvancedSettings } from 'bull';

/**
 * Bull's lock and stall settings, chosen on purpose:
 * - lockDuration 30 s, renewed every 15 s: a batch never blocks the event loop anywhere near that
 *   long, so a live worker keeps its lock; a dead one loses it within 30 s.
 * - stalledInterval 15 s: how often a worker looks for jobs whose lock expired and re-queues them.
 * - maxStalledCount 5: a job may stall (worker killed, paused) five times before Bull fails it; each
 *   re-run resumes from the checkpoint, so stalls cost little.
 */
export const BULL_SETTINGS: AdvancedSettings = {
  lockDuration: 30_000,
  lockRenewTime: 15_000,
  stalledInterval: 15_000,
  maxStalledCount: 5,
  guardInterval: 5_000,
  retryProcessDelay: 5_000,
};
