/** Opening the app in a fresh Chromium whose fake microphone plays `micWav`, collecting page errors and CSP violations. */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';

export async function openAppPage(url: string, micWav: string, browsers: Browser[], problems: string[]): Promise<Page> {
  const browser = await launchChromium(micWav);
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
  return page;
}
