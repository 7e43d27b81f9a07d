/**
 * Debian's headless Chromium for the browser tests, driven by playwright-core (which downloads no browser;
 * flags from ../shared/docs/platform-notes.md). Tests skip, with a message, when it is not installed.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Warns that `what` is skipped when Chromium is missing; returns whether it can run. */
export function chromiumOrWarn(what: string): boolean {
  if (!hasChromium)
    console.warn(`${what} skipped: ${CHROMIUM} is missing (install it with "apt-get install -y chromium")`);
  return hasChromium;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
