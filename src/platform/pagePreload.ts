/**
 * index.html for a page opened cold, with that page's lazily loaded code
 * announced in its head: `<link rel="modulepreload">` for the page's chunk and
 * the chunks it imports, `<link rel="preload" as="style">` for its styles — taken
 * from Vite's build manifest (`dist/web/.vite/manifest.json`). The browser
 * then downloads and compiles the page's code beside the app's instead of
 * after it (the app imports the page only once its own code has run). Only
 * what the app's entry does not already load is listed; the entry's own
 * chunks are in index.html already (Vite writes them).
 *
 * Used for the dashboard (`/insight`, issue 20: page ≤ 1 s to its last
 * chart; docs/PERFORMANCE.md «Dashboard»), whose chart code is the largest
 * chunk and would otherwise start only after the app's code has run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { APP_PAGES, pagePathPattern } from '../core/appPages.js';

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
}

/** Pages opened by path whose code is preloaded: path pattern → the page's source in web/ (its manifest key). */
export const PRELOADED_PAGES: Array<{ path: RegExp; source: string }> = [{ path: pagePathPattern(APP_PAGES.insight), source: 'src/pages/InsightPage.tsx' }];

/** The chunks (manifest keys) `key` loads, itself included. */
function reachable(manifest: Record<string, ManifestChunk>, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key) || !manifest[key]) return seen;
  seen.add(key);
  for (const next of manifest[key].imports ?? []) reachable(manifest, next, seen);
  return seen;
}

/**
 * index.html with the preload links of `source` (a manifest key) before
 * `</head>`; null when the build has no manifest or no such chunk (the plain
 * index.html is served then — the page still works, its code just starts later).
 */
export function htmlWithPreloads(webDir: string, source: string): string | null {
  const manifestFile = path.join(webDir, '.vite', 'manifest.json');
  if (!fs.existsSync(manifestFile)) return null;
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
  if (!manifest[source]) return null;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry) ?? 'index.html';
  const loaded = reachable(manifest, entry);
  const chunks = [...reachable(manifest, source)].filter((key) => !loaded.has(key)).map((key) => manifest[key]!);
  const loadedCss = new Set([...loaded].flatMap((key) => manifest[key]!.css ?? []));
  const links = [
    ...chunks.map((chunk) => `<link rel="modulepreload" crossorigin href="/${chunk.file}">`),
    ...[...new Set(chunks.flatMap((chunk) => chunk.css ?? []))].filter((css) => !loadedCss.has(css)).map((css) => `<link rel="preload" as="style" crossorigin href="/${css}">`),
  ];
  const html = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');
  return html.includes('</head>') ? html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`) : null;
}
