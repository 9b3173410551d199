/**
 * The dashboard's static files, served by the agent (no CDN): its stylesheet and scripts from
 * agent/dashboard/assets/, and uPlot from the installed package. Found next to the source both when
 * run from source (tests) and from dist/ (the built CLI).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

function ownAssets(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'assets'), join(here, '..', '..', '..', 'agent', 'dashboard', 'assets')];
  const found = candidates.find((dir) => existsSync(join(dir, 'dashboard.css')));
  if (found === undefined) throw new Error(`dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

function uplotDist(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
}

const STATIC = { index: false, fallthrough: false, maxAge: '1h', dotfiles: 'deny' } as const;

export function mountAssets(router: Router): void {
  router.use('/assets/uplot', express.static(uplotDist(), STATIC));
  router.use('/assets', express.static(ownAssets(), STATIC));
}
