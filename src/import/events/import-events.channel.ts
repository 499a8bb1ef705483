/**
 * The Redis pub/sub channel on which workers say "import X changed" (the message is the import's id).
 * Derived from QUEUE_PREFIX, so that apps sharing one Redis (parallel test apps, staging beside
 * production) never hear each other.
 */
export function importEventsChannel(queuePrefix: string): string {
  return `${queuePrefix}:import-events`;
}
