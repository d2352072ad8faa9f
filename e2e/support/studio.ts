import type { Browser, Page } from 'playwright-core';
import { launchBrowser, watchConsole } from './browser';
import { serve, type Served } from './serve';

export interface Studio {
  server: Served;
  browser: Browser;
  page: Page;
  /** Console errors and page crashes so far: a test file ends by expecting none. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** `gstudio serve` plus a Chromium page on it, the way every browser test starts. */
export async function openStudio(serveArgs: string[] = [], viewport = { width: 1400, height: 900 }): Promise<Studio> {
  const server = await serve(serveArgs);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  return {
    server,
    browser,
    page,
    consoleErrors: watchConsole(page),
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** One studio API call from the page (its token cookie), as the UI makes it: the result, or the call's error thrown. */
export function apiCall<T>(page: Page, method: string, params: unknown): Promise<T> {
  return page.evaluate(
    async ([m, ps]) => {
      const body = await (await fetch(`/api/${m}`, { method: 'POST', body: JSON.stringify(ps) })).json();
      if (!body.ok) throw new Error(body.error?.message ?? 'call failed');
      return body.result;
    },
    [method, params] as const,
  ) as Promise<T>;
}

/** Opens a view by its link in the main navigation. */
export const navTo = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
