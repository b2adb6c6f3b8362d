import { hostname } from 'node:os';

/** This replica, as the admin API and the store name it: host (the container id in compose) and pid. */
export const INSTANCE = `${hostname()}/${process.pid}`;
