import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/core/parity/tasks-chromium';

/** The same Chromium and switches as `gstudio parity` (Debian's build; no background networking). */
export const CHROMIUM = CHROMIUM_PATH;
/** Screenshots for people to look at; git-ignored. */
export const SCREENSHOTS = resolve('.artifacts', 'screenshots');

/** `extraArgs`: more Chromium switches (e.g. a fake camera). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  // Playwright gives each launch a fresh, empty profile.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

/** Collects console errors and page crashes: a test ends by asserting there were none. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.stack ?? String(e)));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
