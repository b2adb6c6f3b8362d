import request from 'supertest';
import type { BootedApp } from './boot.js';

/** A booted app's admin faults API, called with the admin token; each call expects a 200. */
export function adminFaults(auth: { Authorization: string }) {
  return {
    /** The active faults and the mystery marker, revealed. */
    get: async (app: BootedApp) => (await request(app.url).get('/admin/faults?reveal=true').set(auth).expect(200)).body,
    /** Replaces the active faults (and sets the marker when one is given). */
    put: (app: BootedApp, faults: unknown[], marker?: string) =>
      request(app.url)
        .put('/admin/faults')
        .set(auth)
        .send({ faults, ...(marker ? { marker } : {}) })
        .expect(200),
  };
}
