import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';

/**
 * Debian's chromium (installed by scripts/ensure-test-tools.sh, which .ci/run and the e2e global setup
 * call) through playwright-core, launched as test/swagger-ui.e2e-spec.ts does.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed (${CHROMIUM} is missing), so the browser tests cannot run. ` +
        'Install it with `bash scripts/ensure-test-tools.sh` (apt-get install chromium; .ci/run does this), ' +
        'or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium stalls on a machine without internet access.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects script errors and Content-Security-Policy violations of the page (a test expects none). */
export function watchForPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return problems;
}

/** The whole page, or one part of it (`of`), to test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string, of?: Locator): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await (of ? of.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
}

/** Drops a file on the element as a user dragging it from the desktop would. */
export async function dropFile(page: Page, selector: string, name: string, content: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([fileName, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], fileName, { type: 'text/csv' }));
      return dt;
    },
    [name, content] as const,
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}
