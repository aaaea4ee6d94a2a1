import { kafkajsScheduleCheckPendingRequests, scheduleCheckPendingRequests } from './request-queue-timer-patch';

interface PushedRequest {
  entry: { correlationId: number; apiKey: number; apiName: string; apiVersion: number; resolve(): void; reject(): void };
  expectResponse: boolean;
  sendRequest(): void;
}

interface Queue {
  pending: unknown[];
  throttleCheckTimeoutId: unknown;
  push(request: PushedRequest): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's own class, patched by the module under test
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const queue = (maxInFlightRequests?: number) => new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b:9092', logger });

/** A request whose sends are counted in `sent`. */
const request = (correlationId: number, sent: number[]): PushedRequest => ({
  entry: { correlationId, apiKey: 0, apiName: 'Produce', apiVersion: 7, resolve: () => undefined, reject: () => undefined },
  expectResponse: true,
  sendRequest: () => void sent.push(correlationId),
});

describe('RequestQueue timer (replaces kafkajs 2.2.4 RequestQueue.scheduleCheckPendingRequests)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is what kafkajs request queues use once @mirrormaker/kafka is loaded', () => {
    expect(queue().scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });

  it('arms no timer while no request waits, where kafkajs re-arms one every millisecond', () => {
    const ours = queue();
    ours.checkPendingRequests();
    expect(jest.getTimerCount()).toBe(0);

    const theirs = queue();
    let checks = 0;
    const check = theirs.checkPendingRequests.bind(theirs);
    theirs.checkPendingRequests = () => {
      checks += 1;
      check();
    };
    theirs.scheduleCheckPendingRequests = kafkajsScheduleCheckPendingRequests;
    theirs.checkPendingRequests();
    jest.advanceTimersByTime(100);
    expect(checks).toBeGreaterThanOrEqual(50);
    jest.clearAllTimers();
  });

  it('sends a request held back by client-side throttling when the throttling ends', () => {
    const q = queue();
    const sent: number[] = [];
    q.maybeThrottle(50);
    q.push(request(1, sent));
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([1]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sends a request waiting for an in-flight slot when an answer frees one, and then arms nothing', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    jest.advanceTimersByTime(10);
    expect(q.pending).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
