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
