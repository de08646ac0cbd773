import { Repeater } from '@graphql-yoga/subscription';

/**
 * Streams `derived`, a generator reading `source`, so that closing the result ends at once. A
 * generator parked in `for await` over its source cannot be closed until the source's next event
 * (an unsubscribed client or a stopping worker would wait for it); closing the source (a Repeater)
 * ends that wait, and the generator finishes on its own.
 */
export function closingSource<T>(source: { return(value?: undefined): Promise<unknown> }, derived: AsyncGenerator<T>): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    void stop.then(() => source.return(undefined));
    try {
      for await (const value of derived) await push(value);
    } finally {
      stop();
    }
  });
}
