import { AsyncResource } from 'node:async_hooks';

/**
 * A runner bound to the context it was created in (at boot: no request, no
 * trace). Background work woken from inside a request — the outbox relay after
 * a commit — runs through it, so it does not inherit that request's span or
 * its request-scoped logger.
 */
export function detachedRunner(): (work: () => void) => void {
  return AsyncResource.bind((work: () => void) => work());
}
