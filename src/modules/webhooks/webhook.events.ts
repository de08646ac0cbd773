/** One webhook delivery attempt's outcome (webhookDelivery subscription). */
export interface WebhookAttemptEvent {
  webhookId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  success: boolean;
  /** The delivery's status after this attempt: PENDING (a retry is due at nextAttemptAt), SUCCESS, DEAD (retries spent) or FAILED (the receiver stopped it). */
  status: string;
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
  /** ISO 8601, when a retry is due. */
  nextAttemptAt: string | null;
  /** ISO 8601. */
  at: string;
}
