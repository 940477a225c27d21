// Types of bundle.mjs for the TypeScript that imports it (tests, bench).
import type { Metafile } from 'esbuild';

export const PROJECT_ROOT: string;
export function bundleDir(root?: string): string;
export function freshEntry(root?: string, outdir?: string): string | undefined;
export function buildCli(options?: {
  root?: string;
  outdir?: string;
}): Promise<{ entry: string; metafile: Metafile }>;
export function canBuild(root?: string): boolean;
export function cliEntryUrl(root?: string): Promise<string | undefined>;
