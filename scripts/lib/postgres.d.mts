export declare const POSTGRES_MAJOR: string;
export declare const DATABASES: { order: string; payment: string; notification: string };
export interface RunningPostgres {
  version: string;
  adminUrl: string;
  url(database: string): string;
  stop(): Promise<boolean>;
}
export declare function startPostgres(options: {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  databases?: string[];
  throwaway?: boolean;
  /** The variable a user sets to choose another port, named when the port is taken. */
  portVariable?: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres>;
export declare function stopPostgres(dataDir: string): Promise<boolean>;
