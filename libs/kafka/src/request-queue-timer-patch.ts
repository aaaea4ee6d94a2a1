/**
 * kafkajs 2.2.4's RequestQueue re-checks its waiting requests on a timer, and arms that timer even
 * when no request waits: its delay is then `throttledUntil - now`, negative as `throttledUntil`
 * starts at -1, so Node runs it after 1 ms, and the check arms the next one. Every connection so
 * woke its process about a thousand times a second for nothing (kafkajs issues #1556 and #1704,
 * fixes proposed upstream, not released): each idle service spent 2.5–3.6 % of a core on it, and
 * the data-mirror paid it on every connection while copying.
 *
 * The replacement arms the timer only while a request waits: for when client-side throttling
 * ends, or after kafkajs's own 10 ms when the request waits for a free in-flight slot (an answer
 * frees one and checks at once anyway). A request pushed later arms it again, as in kafkajs.
 *
 * The method is replaced on the prototype, so load order does not matter.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the kafkajs class whose method is replaced
const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueLike };

/** The fields of kafkajs's RequestQueue that scheduling uses. */
export interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(this: RequestQueueLike): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

const ORIGINAL = Symbol.for('mirrormaker.kafka.requestQueueTimerPatched');
type Patchable = RequestQueueLike & { [ORIGINAL]?: RequestQueueLike['scheduleCheckPendingRequests'] };

/** kafkajs's own method (also after the replacement), for the tests that compare the two. */
export const kafkajsScheduleCheckPendingRequests = (RequestQueue.prototype as Patchable)[ORIGINAL] ?? RequestQueue.prototype.scheduleCheckPendingRequests;

export function installRequestQueueTimerPatch(): void {
  const proto = RequestQueue.prototype as Patchable;
  if (proto[ORIGINAL]) return;
  proto[ORIGINAL] = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}

installRequestQueueTimerPatch();
