export const CHROMIUM: string;
export function chromiumArgs(): string[];
export function ensureChromium(log?: (line: string) => void): string;
