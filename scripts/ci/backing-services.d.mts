export declare const BACKING_DIR: string;
export declare const SERVICES_ENV: string;
export declare function readServicesEnv(file?: string): { adminUrl: string | undefined; rabbitUrl: string | undefined };
