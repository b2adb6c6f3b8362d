// Types of tools.mjs for the TypeScript tests that import it.
export type ToolName =
  | 'prometheus'
  | 'promtool'
  | 'alertmanager'
  | 'amtool'
  | 'jaeger'
  | 'mailpit'
  | 'compose-config'
  | 'helm'
  | 'k8s-validate';

export interface Tool {
  /** The Go package that builds the binary. */
  pkg: string;
  /** The module that versions it in tools/go.mod. */
  module: string;
  /** The variable its path is exported as in .tmp/tools.env. */
  env: string;
  /** Its module's folder under tools/ when not tools/ itself (tools/k8s). */
  dir?: string;
  /** The repository's own code (pkg relative to its module): versioned by a hash of its source. */
  local?: boolean;
}

export const TOOLS_ENV: string;
export const TOOLS: Record<ToolName, Tool>;
export function moduleVersions(goMod?: string): Record<string, string>;
export function releaseOf(module: string, version: string): string;
export function moduleDir(name: ToolName): string;
export function toolVersion(name: ToolName): string;
export function cacheDir(): string;
export function toolPath(name: ToolName): string;
export function toolEnv(file?: string): Record<string, string>;
export function findTool(name: ToolName): string;
export function ensureTools(names?: ToolName[]): string[];
