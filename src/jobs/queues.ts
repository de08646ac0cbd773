/** What `AppServices.wake` can wake: a queue's worker, or the scheduler (a schedule was edited). */
export type QueueName = 'webhooks' | 'pushes' | 'tasks' | 'syncs' | 'scheduler';
