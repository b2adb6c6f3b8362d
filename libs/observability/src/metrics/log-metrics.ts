import { counter } from './registry.js';

/** Log lines written (after the level filter), by level: how chatty each service is, and what it costs. */
export const logLines = counter<'level'>({
  name: 'log_lines_total',
  help: 'Log lines written by this service, by level.',
  labelNames: ['level'],
});
