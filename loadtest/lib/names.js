// The `name` tag of a request (k6 copies it into the `url` tag): the endpoint template, never the URL
// itself. Apart from ./engine.js, which needs k6's modules, so that it can be tested on its own.

/** A path segment kept in a request name: a lower-case word (`api`, `orders`, `admin`); anything else is an id. */
const WORD = /^[a-z][a-z_-]*$/;

/**
 * `GET /api/orders/{id}` for `GET http://host:3000/api/orders/0b5c…?x=1`: every path segment that is
 * not a plain word replaced by `{id}`, origin and query string dropped. A bounded set, whatever the ids.
 */
export function requestName(method, url) {
  const path =
    String(url)
      .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
      .replace(/[?#].*$/s, '') || '/';
  const template = path
    .split('/')
    .map((segment, i) => (i === 0 || segment === '' || WORD.test(segment) ? segment : '{id}'))
    .join('/');
  return `${String(method).toUpperCase()} ${template}`;
}
