/** What the faults read from the service's validated config (the app's env object satisfies it). */
export interface FaultsEnv {
  /** Bearer token of the admin API; unset: the API is off. */
  ADMIN_TOKEN?: string;
  /** Faults switched on at boot. */
  FAULTS?: string;
  /** Store `file` only: where the switched-on faults are kept; unset: memory only. */
  FAULTS_STATE_DIR?: string;
}

export const FAULTS_ENV = Symbol('FAULTS_ENV');
