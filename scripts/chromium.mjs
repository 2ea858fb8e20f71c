/**
 * Headless Chromium for the demo's snapshot (`npm start -- --snapshot`) and the browser tests:
 * Debian's /usr/bin/chromium (CHROMIUM_PATH overrides it) driven by playwright-core, with a fresh
 * profile directory (playwright-core rejects --user-data-dir; launchPersistentContext takes it).
 * WebGL works under --disable-gpu through SwiftShader (software rendering).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = () => existsSync(chromiumPath);

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Launch Chromium; returns the context, its first page and a close() that also removes the profile.
 * @param {{ width?: number, height?: number }} [viewport]
 */
export async function launchChromium(viewport = { width: 1200, height: 760 }) {
  if (!haveChromium()) throw new Error(`no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'cr-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: CHROMIUM_ARGS, viewport });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  return {
    ctx,
    page,
    close: async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
