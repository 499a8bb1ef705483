import type { AdvancedSettings } from 'bull';
import type { AppConfig } from '../../config/app-config';

/**
 * Bull's lock and stall settings, chosen on purpose:
 * - lockDuration (QUEUE_LOCK_DURATION_MS, default 30 s), renewed at half of it: a batch never blocks
 *   the event loop anywhere near that long, so a live worker keeps its lock; a dead one loses it
 *   within lockDuration.
 * - stalledInterval (QUEUE_STALLED_INTERVAL_MS, default 15 s): how often a worker looks for jobs whose
 *   lock expired and puts them back in the queue, so a killed worker's import resumes elsewhere.
 * - maxStalledCount: Bull never gives up on a stalled job itself (each stall is a worker that died or
 *   froze past its lock, and each re-run resumes from the checkpoint). The job row counts the deaths
 *   instead (ImportJobStateService.acquire): IMPORT_ATTEMPTS deaths without a batch committed in
 *   between end the import Failed, so a job that kills its worker cannot cycle through a fleet.
 */
export function bullSettings(config: AppConfig): AdvancedSettings {
  return {
    lockDuration: config.queueLockDurationMs,
    lockRenewTime: Math.floor(config.queueLockDurationMs / 2),
    stalledInterval: config.queueStalledIntervalMs,
    maxStalledCount: 1_000_000,
    guardInterval: 5_000,
    retryProcessDelay: 5_000,
  };
}
