/**
 * The faults admin API from a client's side, for both of its clients: the
 * `npm run fault` CLI (scripts/fault.mjs, with fetch) and the k6 scenario
 * scripts (loadtest/lib/faults.js, with k6/http). It builds every request and
 * reads every answer; the caller sends the request with the HTTP client it has.
 * A change of several services is a generator that yields requests and is
 * given their answers, so the same steps run on an async or a synchronous client.
 *
 * Erasable types only, no imports and no syntax newer than the scripts' own
 * (like catalogue.ts), so Node 24 and k6 load this file as it is. The services' answers are typed here once: the
 * controller (faults.controller.ts) returns these types.
 */

/** Where one service's admin API is, and its token. */
export interface AdminApi {
  service: string;
  /** The service's own origin, e.g. http://127.0.0.1:3002 (the gateway does not route the admin API). */
  url: string;
  token: string;
}

export interface FaultRequest {
  method: 'GET' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or absent. */
  body?: string;
  /** The statuses that are a correct answer (k6: its expectedStatuses; any other is a failed request). */
  expect: number[];
}

/** An answer as any HTTP client gives it; status 0 when none came, with the client's error. */
export interface FaultAnswer {
  status: number;
  body: string;
  error?: string;
}

/** One request and how to read its answer: `read` returns what it means, or throws a FaultApiError. */
export interface FaultCall<T> {
  request: FaultRequest;
  read(answer: FaultAnswer): T;
}

export interface ActiveFault {
  name: string;
  /** Every parameter, defaults filled in. */
  params: Record<string, number>;
}

/** GET /admin/faults and PUT /admin/faults: the service's whole set. */
export interface FaultsView {
  service: string;
  /** The replica that answered (host/pid): with several replicas, each answers for itself. */
  instance: string;
  /** Where the faults are kept across restarts (the service's database, a file, or memory only). */
  store: string;
  /** In mystery mode the names are hidden unless `?reveal=true`. */
  active: ActiveFault[] | 'hidden';
  marker: string | null;
  available: { name: string; title: string; params: Record<string, unknown> }[];
}

/** PUT /admin/faults/:name: the fault as it is now on (201 when it was off, 200 when its parameters were replaced). */
export interface FaultView extends ActiveFault {
  service: string;
  instance: string;
}

/**
 * Why a call failed: the service is not `unreachable`, refused the `token`, a
 * `mystery` is on (409), it `refused` the request (400: the message names the
 * field), or its store is `unavailable` (503: nothing changed).
 */
export type FaultApiErrorKind = 'unreachable' | 'token' | 'mystery' | 'refused' | 'unavailable';

export class FaultApiError extends Error {
  readonly kind: FaultApiErrorKind;
  readonly status: number;
  readonly service: string;

  constructor(message: string, kind: FaultApiErrorKind, status: number, service: string) {
    super(message);
    this.name = 'FaultApiError';
    this.kind = kind;
    this.status = status;
    this.service = service;
  }
}

const PATH = '/admin/faults';

function request(
  api: AdminApi,
  method: FaultRequest['method'],
  path: string,
  expect: number[],
  body?: unknown,
): FaultRequest {
  const headers: Record<string, string> = { Authorization: `Bearer ${api.token}`, Accept: 'application/json' };
  if (body === undefined) return { method, url: `${api.url.replace(/\/+$/, '')}${path}`, headers, expect };
  headers['Content-Type'] = 'application/json';
  return { method, url: `${api.url.replace(/\/+$/, '')}${path}`, headers, body: JSON.stringify(body), expect };
}

function json(answer: FaultAnswer): Record<string, unknown> {
  try {
    const value: unknown = answer.body ? JSON.parse(answer.body) : {};
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The error JSON's explanation: each field with its messages when it names fields, else its message. */
function detail(body: Record<string, unknown>, status: number): string {
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    return (body.errors as { field?: string; messages?: string[] }[])
      .map((e) => `${e.field}: ${(e.messages ?? []).join(', ')}`)
      .join('; ');
  }
  return typeof body.message === 'string' ? body.message : `HTTP ${status}`;
}

/** The FaultApiError an unexpected answer means. */
export function failure(api: AdminApi, answer: FaultAnswer): FaultApiError {
  const { status } = answer;
  if (status === 0) {
    return new FaultApiError(
      `${api.service} is not reachable at ${api.url} (${answer.error || 'no answer'}); is it running?`,
      'unreachable',
      0,
      api.service,
    );
  }
  const body = json(answer);
  if (status === 401 || status === 403) {
    const message = `${api.service} refused the admin token (${status}: ${detail(body, status)}); set ADMIN_TOKEN to the services' value`;
    return new FaultApiError(message, 'token', status, api.service);
  }
  const kind = status === 409 ? 'mystery' : status === 503 ? 'unavailable' : 'refused';
  return new FaultApiError(`${api.service}: ${detail(body, status)}`, kind, status, api.service);
}

function call<T>(
  api: AdminApi,
  req: FaultRequest,
  meaning: (status: number, body: Record<string, unknown>) => T,
): FaultCall<T> {
  return {
    request: req,
    read(answer) {
      if (!req.expect.includes(answer.status)) throw failure(api, answer);
      return meaning(answer.status, json(answer));
    },
  };
}

/** GET /admin/faults?reveal=true: the service's faults, names shown also in mystery mode (the trainer's view). */
export function getFaults(api: AdminApi): FaultCall<FaultsView> {
  return call(api, request(api, 'GET', `${PATH}?reveal=true`, [200]), (_, body) => body as unknown as FaultsView);
}

/** PUT /admin/faults: replaces the whole set (how a mystery starts, and how everything is switched off). */
export function putFaults(
  api: AdminApi,
  faults: { name: string; params?: Record<string, number> }[],
  marker?: string | null,
): FaultCall<FaultsView> {
  const body = { faults: faults.map((f) => ({ name: f.name, params: f.params ?? {} })), ...(marker ? { marker } : {}) };
  return call(api, request(api, 'PUT', PATH, [200], body), (_, view) => view as unknown as FaultsView);
}

/** PUT /admin/faults/:name: switches one fault on, or replaces its parameters; the others stay as they are. */
export function putFault(
  api: AdminApi,
  name: string,
  params: Record<string, number> = {},
  marker?: string,
): FaultCall<{ fault: FaultView; created: boolean }> {
  const req = request(api, 'PUT', `${PATH}/${encodeURIComponent(name)}`, [200, 201], {
    params,
    ...(marker ? { marker } : {}),
  });
  return call(api, req, (status, body) => ({ fault: body as unknown as FaultView, created: status === 201 }));
}

/** DELETE /admin/faults/:name: switches one fault off. Its 404 (it was not on) is an answer too: `wasOn` false. */
export function deleteFault(api: AdminApi, name: string, marker?: string): FaultCall<{ wasOn: boolean }> {
  const query = marker ? `?marker=${encodeURIComponent(marker)}` : '';
  return call(api, request(api, 'DELETE', `${PATH}/${encodeURIComponent(name)}${query}`, [204, 404]), (status) => ({
    wasOn: status === 204,
  }));
}

/** A change of several services: yields each request, is given its answer, returns the outcome. */
export type FaultFlow<T> = Generator<FaultRequest, T, FaultAnswer>;

/**
 * Switches fault `name` on in every service of `apis` (a scenario acts in one
 * or two), with `params`. When one refuses (a mystery, a bad value, a store
 * down) or cannot be reached, the services it was switched on in get it off
 * again before the error is thrown, so nothing is left half on. Returns the
 * parameters as the first service resolved them (defaults filled in).
 */
export function* switchOn(
  apis: AdminApi[],
  name: string,
  params: Record<string, number> = {},
): FaultFlow<{ name: string; services: string[]; params: Record<string, number> }> {
  const switched: AdminApi[] = [];
  let resolved: Record<string, number> | undefined;
  try {
    for (const api of apis) {
      const put = putFault(api, name, params);
      const { fault, created } = put.read(yield put.request);
      if (created) switched.push(api);
      if (resolved === undefined) resolved = fault.params;
    }
  } catch (error) {
    // Best effort: the refusal is what the user must see, not a failed undo.
    for (const api of switched.reverse()) {
      const undo = deleteFault(api, name);
      try {
        undo.read(yield undo.request);
      } catch {
        // the fault stays on there; the error below names the service that refused
      }
    }
    throw error;
  }
  return { name, services: apis.map((a) => a.service), params: resolved ?? params };
}

/**
 * Switches fault `name` off in every service of `apis`, leaving the other
 * faults as they are. Every service is asked even when one fails; the first
 * failure is thrown at the end. Returns the services it was on in.
 */
export function* switchOff(apis: AdminApi[], name: string): FaultFlow<{ name: string; wasOn: string[] }> {
  const wasOn: string[] = [];
  const failures: unknown[] = [];
  for (const api of apis) {
    const del = deleteFault(api, name);
    try {
      if (del.read(yield del.request).wasOn) wasOn.push(api.service);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return { name, wasOn };
}
