// Types of classroom.mjs for the TypeScript test that imports it (test/config/helm.config-spec.ts).
export interface ClassroomOptions {
  full?: boolean;
  domain?: string;
  ingressClass?: string;
  values?: string[];
  sets?: string[];
}
export const UIS: { ui: string; service: string; port: number; local: number; logs?: boolean }[];
export function parseArgs(
  argv: string[],
): ClassroomOptions & { command?: string; target?: string; first: number; out?: string; duration: string };
export function participants(count: string | number, first?: number): string[];
export function helmValues(
  namespace: string,
  options: ClassroomOptions & { values: string[]; sets: string[] },
): string[];
export function urlsText(namespaces: string[], options: ClassroomOptions): string;
export function portForwardScript(namespace: string, options: ClassroomOptions): string;
