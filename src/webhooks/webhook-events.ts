/**
 * The events an endpoint may subscribe to: `<kind>.<outcome>`, where kind is the job's kind column
 * (an import, or the revert of one: POST /{code}/revert) and outcome its final status.
 */
export const WEBHOOK_EVENT_TYPES = [
  'import.completed',
  'import.failed',
  'import.cancelled',
  'revert.completed',
  'revert.failed',
  'revert.cancelled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type WebhookOutcome = 'completed' | 'failed' | 'cancelled';

/**
 * Wraps the UPDATE that ends a job (without its RETURNING) so that the same statement writes the
 * outbox: one webhook_events row for every endpoint of the job's owner subscribed to the event. A
 * crash after the commit therefore cannot lose an event, and a rolled-back end writes none. Returns
 * the ended job's id, as the UPDATE ... RETURNING id it replaces.
 */
export function endingWithWebhookEvents(update: string, outcome: WebhookOutcome): string {
  return `WITH ended AS (${update} RETURNING id, owner, kind),
    outbox AS (
      INSERT INTO webhook_events (webhook_id, job_id, type)
      SELECT w.id, ended.id, ended.kind || '.${outcome}'
        FROM ended JOIN webhooks w
          ON w.owner IS NOT DISTINCT FROM ended.owner AND ended.kind || '.${outcome}' = ANY (w.events))
    SELECT id FROM ended`;
}
