/**
 * Admission control for HTTP requests that use the database: at most `concurrency` run at once;
 * the rest wait in a fair queue (round robin over keys: one per client and request class, so one
 * busy stream cannot fill the service) and are shed with 503 + Retry-After once they waited
 * `queueTimeoutMs`, rather than being served after their client gave up. Priority requests
 * (sync triggers) go before every queue and may use `reserve` slots above the limit.
 *
 * Without it, under overload every admitted request's queries queue behind everyone else's in the
 * database (PGlite runs one statement at a time): each request needs several rounds of that queue,
 * so all of them get slow at once and whole streams time out while the server still does their work.
 */
import type { ServerResponse } from 'node:http';

export interface AdmissionOptions {
  /** Requests executing at once. */
  concurrency: number;
  /** Longest wait for a slot before a request is shed (503). */
  queueTimeoutMs: number;
  /** Requests waiting at most; past it the longest queue's newest request is shed at once. */
  maxQueue: number;
  /** Extra slots only priority requests may use. */
  reserve: number;
  /** Seconds put in Retry-After of a shed request. */
  retryAfterSeconds: number;
}

export const defaultAdmissionOptions = (database: 'postgres' | 'pglite'): AdmissionOptions => ({
  // PGlite executes one statement at a time: a few requests keep it busy; a pool of 10 connections more.
  concurrency: database === 'pglite' ? 4 : 16,
  queueTimeoutMs: 2000,
  maxQueue: 1000,
  reserve: 2,
  retryAfterSeconds: 1,
});

/**
 * client_gone: the client left while waiting; nobody reads the answer, so it is not counted as shed.
 * stopping: the service is stopping (another instance, or this one restarted, will serve a retry).
 */
export type ShedReason = 'queue_timeout' | 'queue_full' | 'client_gone' | 'stopping';

const SHED_MESSAGES: Record<ShedReason, string> = {
  queue_timeout: 'The server is busy; retry later',
  queue_full: 'Too many requests are waiting; retry later',
  client_gone: 'The client left',
  stopping: 'The server is stopping; retry later',
};

export class Shed extends Error {
  constructor(readonly reason: ShedReason) {
    super(SHED_MESSAGES[reason]);
  }
}

interface Waiter {
  key: string;
  resolve: () => void;
  reject: (error: Shed) => void;
  timer: NodeJS.Timeout;
}

export interface Admission {
  readonly options: AdmissionOptions;
  /** Requests executing now and waiting now (for /metrics). */
  readonly active: number;
  readonly queued: number;
  /**
   * Waits for a slot and holds it until `res` closes (answered or abandoned); a request whose
   * client leaves while it waits is dropped from the queue. Rejects with `Shed`.
   */
  admit(res: ServerResponse, key: string, priority?: boolean): Promise<void>;
  /**
   * The service is stopping: every waiting request is shed now (its timer cleared, so nothing of
   * the queue outlives the app) and every later one on arrival; requests holding a slot finish.
   */
  close(): void;
  /** Called with the reason of every shed request (not for a client that left). */
  onShed?: (reason: ShedReason) => void;
}

export function createAdmission(options: AdmissionOptions): Admission {
  let active = 0;
  let queued = 0;
  let closed = false;
  const priority: Waiter[] = [];
  // Insertion order of a Map is the round-robin order: a served key moves to the back.
  const queues = new Map<string, Waiter[]>();

  const remove = (w: Waiter) => {
    const list = w.key === '' ? priority : queues.get(w.key);
    const i = list ? list.indexOf(w) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    if (list !== priority && list!.length === 0) queues.delete(w.key);
    queued--;
    clearTimeout(w.timer);
    return true;
  };

  const next = (): Waiter | undefined => {
    if (priority.length && active < options.concurrency + options.reserve) return priority[0];
    if (active >= options.concurrency) return undefined;
    const first = queues.entries().next();
    if (first.done) return undefined;
    const [key, list] = first.value;
    // To the back of the round; remove() drops the key once its list is empty.
    queues.delete(key);
    queues.set(key, list);
    return list[0];
  };

  const dispatch = () => {
    for (let w = next(); w; w = next()) {
      remove(w);
      active++;
      w.resolve();
    }
  };
  const release = () => {
    active--;
    dispatch();
  };

  const admission: Admission = {
    options,
    get active() {
      return active;
    },
    get queued() {
      return queued;
    },
    admit(res, key, isPriority = false) {
      // Gone before asking: holding a slot for it would leak the slot ('close' does not fire again).
      if (res.closed) return Promise.reject(new Shed('client_gone'));
      if (closed) return shed('stopping');
      const limit = options.concurrency + (isPriority ? options.reserve : 0);
      if (active < limit && (isPriority ? priority.length === 0 : queued === 0)) {
        // Inline, no closure: every admitted request passes here, and under tsx each named closure
        // costs a defineProperty (esbuild's keepNames), 1.3 % of a small request's CPU.
        active++;
        res.once('close', release);
        return Promise.resolve();
      }
      if (!isPriority && queued >= options.maxQueue) {
        // Shed from the longest queue, so a flood from one key does not push out everyone else.
        let longest: Waiter[] | undefined;
        for (const list of queues.values()) if (!longest || list.length > longest.length) longest = list;
        if (!longest || longest.length <= (queues.get(`k:${key}`)?.length ?? 0)) return shed('queue_full');
        const victim = longest[longest.length - 1]!;
        remove(victim);
        victim.reject(new Shed('queue_full'));
        admission.onShed?.('queue_full');
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          key: isPriority ? '' : `k:${key}`,
          resolve: () => {
            res.off('close', onClose);
            res.once('close', release);
            resolve();
          },
          reject: (error) => {
            res.off('close', onClose);
            reject(error);
          },
          timer: setTimeout(() => {
            if (!remove(waiter)) return;
            waiter.reject(new Shed('queue_timeout'));
            admission.onShed?.('queue_timeout');
          }, options.queueTimeoutMs),
        };
        // The client left while waiting: nobody will read the answer, but its handler must end.
        const onClose = () => {
          if (remove(waiter)) waiter.reject(new Shed('client_gone'));
        };
        res.once('close', onClose);
        if (isPriority) priority.push(waiter);
        else {
          const list = queues.get(waiter.key);
          if (list) list.push(waiter);
          else queues.set(waiter.key, [waiter]);
        }
        queued++;
        // A slot may be free (the queue was not empty only because of other keys' timing).
        dispatch();
      });
    },
    close() {
      closed = true;
      for (const waiter of [...priority, ...[...queues.values()].flat()]) {
        remove(waiter);
        waiter.reject(new Shed('stopping'));
        admission.onShed?.('stopping');
      }
    },
  };

  function shed(reason: ShedReason): Promise<never> {
    admission.onShed?.(reason);
    return Promise.reject(new Shed(reason));
  }

  return admission;
}
