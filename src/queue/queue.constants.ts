import type { AdvancedSettings } from 'bull';
import type { AppConfig } from '../config/app-config';

/**
 * Bull's lock and stall settings, chosen on purpose:
 * - lockDuration (QUEUE_LOCK_DURATION_MS, default 30 s), renewed at half of it: a batch never blocks
 *   the event loop anywhere near that long, so a live worker keeps its lock; a dead one loses it
 *   within lockDuration.
 * - stalledInterval (QUEUE_STALLED_INTERVAL_MS, default 15 s): how often a worker looks for jobs whose
 *   lock expired and puts them back in the queue, so a killed worker's import resumes elsewhere.
 * - maxStalledCount 5: a job may stall (worker killed, paused) five times before Bull fails it; each
 *   re-run resumes from the checkpoint, so stalls cost little. Beyond that the import ends Failed.
 */
export function bullSettings(config: AppConfig): AdvancedSettings {
  return {
    lockDuration: config.queueLockDurationMs,
    lockRenewTime: Math.floor(config.queueLockDurationMs / 2),
    stalledInterval: config.queueStalledIntervalMs,
    maxStalledCount: 5,
    guardInterval: 5_000,
    retryProcessDelay: 5_000,
  };
}
