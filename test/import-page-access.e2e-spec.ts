import { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { dropFile, launchChromium, screenshot, watchForPageErrors } from './support/browser';
import { seedCatalog } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The import page with API_KEYS set: the key is asked for once, kept for the tab only, a wrong one is
 * refused, another key's imports are not shown. Also: a running import's live progress and cancel,
 * the errors of an upload refused before a job exists, a keyboard-only upload and a 400-px window.
 */
const KEY_A = 'page-key-a-0123456789';
const KEY_B = 'page-key-b-0123456789';
const bigFile = (rows: number) =>
  ['clientCode,serviceCode,quantity', ...Array.from({ length: rows }, (_, i) => `X${i},S1,1`), ''].join('\n');

describe('Import page with API keys (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    // Small batches, so an import of a few thousand rows runs long enough to be watched and cancelled.
    t = await createTestApp({
      API_KEYS: `a:${KEY_A},b:${KEY_B}`,
      IMPORT_MAX_FILE_BYTES: '1000000',
      IMPORT_BATCH_SIZE: '100',
    });
    await seedCatalog(t.dataSource, ['C1'], [['S1', '10.00']]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    problems = watchForPageErrors(page);
  });
  afterEach(async () => {
    await context.close();
    expect(problems).toEqual([]);
  });

  async function enterKey(key: string): Promise<void> {
    await page.locator('#key-dialog[open]').waitFor();
    await page.locator('#key-input').fill(key);
    await page.locator('#key-input').press('Enter');
  }

  it('asks for a key once, refuses a wrong one, keeps it in sessionStorage only, hides the other key’s imports', async () => {
    const other = await request(t.app.getHttpServer())
      .post('/api/service-imports')
      .set('X-API-Key', KEY_B)
      .attach('file', Buffer.from('clientCode,serviceCode\nC1,S1\n'), 'other-key.csv')
      .expect(202);
    await page.goto(`${t.baseUrl}/`);
    await enterKey('not-a-key-0123456789');
    await page.locator('#key-error', { hasText: 'refused' }).waitFor();
    await screenshot(page, 'import-page-key-refused');
    await enterKey(KEY_A);
    await page.locator('#history-info', { hasText: 'No imports yet.' }).waitFor();
    expect(await page.locator('#key-dialog').getAttribute('open')).toBeNull();

    await dropFile(page, '#drop-zone', 'mine.csv', 'clientCode,serviceCode\nC1,S1\n');
    await page.locator('#upload-button').click();
    await page.locator('#job-status', { hasText: /^Completed$/ }).waitFor({ timeout: 30_000 });
    const storage = await page.evaluate(() => ({
      local: JSON.stringify(localStorage),
      session: JSON.stringify(sessionStorage),
      url: location.href,
    }));
    expect(storage.local).toBe('{}');
    expect(storage.session).toContain(KEY_A);
    expect(storage.url).not.toContain(KEY_A);
    expect(storage.url).not.toContain('page-key');

    // Another key's import is not there, neither in the history nor by its address.
    await page.goto(`${t.baseUrl}/#/imports/${other.body.code}`);
    await page.locator('#job [role=alert]', { hasText: 'No import' }).waitFor();
    await page.goto(`${t.baseUrl}/#/`);
    await page.locator('#history-table tbody tr').first().waitFor();
    expect(await page.locator('#history-table td.file a').allInnerTexts()).toEqual(['mine.csv']);

    // A key the service no longer takes (a 401) brings the prompt back.
    await page.evaluate(() => sessionStorage.setItem('service-import.apiKey', 'revoked-key-0123456789'));
    await page.reload();
    await page.locator('#key-error', { hasText: 'refused' }).waitFor();
    await enterKey(KEY_A);
    await page.locator('#history-table tbody tr').first().waitFor();
  });

  it('shows a running import live (phase, rows, rows/s, ETA) until Completed, and cancels another', async () => {
    await page.goto(`${t.baseUrl}/`);
    await enterKey(KEY_A);
    await dropFile(page, '#drop-zone', 'big.csv', bigFile(10_000));
    await page.locator('#dry-run').uncheck();
    await page.locator('#upload-button').click();
    await page.locator('#cancel-button').waitFor();
    const seen = await page
      .locator('#progress-text', {
        hasText: /^[\d,]+ of 10,000 rows · \d+(\.\d)?% · [\d,]+ rows\/s · about .+ left$/,
      })
      .waitFor({ timeout: 30_000 })
      .then(() => page.locator('#progress-text').innerText());
    await screenshot(page, 'import-page-running');
    await page.locator('#job-status', { hasText: /^Completed$/ }).waitFor({ timeout: 60_000 });
    expect(seen).toMatch(/left$/);
    expect(await page.locator('[data-counter="skipped"]').innerText()).toBe('10,000');

    await page.locator('a[href="#/"]').first().click();
    await dropFile(page, '#drop-zone', 'cancelled.csv', bigFile(80_000));
    await page.locator('#upload-button').click();
    await page.locator('#job-status', { hasText: 'Importing' }).waitFor({ timeout: 30_000 });
    await page.locator('#cancel-button').click();
    await page.locator('#job-status', { hasText: /^Cancelled$/ }).waitFor({ timeout: 30_000 });
    const code = /#\/imports\/(.+)$/.exec(page.url())![1];
    const job = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${code}`)
      .set('X-API-Key', KEY_A);
    expect(job.body.status).toBe('Cancelled');
    expect(job.body.processedItems).toBeLessThan(80_000);
  });

  it('explains uploads refused before a job exists: missing columns (found/expected), 413, 415', async () => {
    await page.goto(`${t.baseUrl}/`);
    await enterKey(KEY_A);
    await dropFile(page, '#drop-zone', 'wrong.csv', 'client,service code\nC1,S1\n');
    await page.locator('#upload-button').click();
    const error = page.locator('#upload-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/The file cannot be imported/);
    const columns = await error.locator('dl.columns').innerText();
    expect(columns).toMatch(/Missing\s+clientCode\n/);
    expect(columns).toMatch(/Columns found\s+client, service code/);
    expect(columns).toMatch(/Columns expected\s+clientCode, serviceCode \(required\)/);
    await screenshot(page, 'import-page-missing-columns');

    await dropFile(page, '#drop-zone', 'huge.csv', bigFile(100_000));
    await page.locator('#upload-button').click();
    await page.locator('#upload-error', { hasText: 'The file is too large' }).waitFor();
    await dropFile(page, '#drop-zone', 'binary.csv', 'clientCode,serviceCode\n\u0000\u0001\u0002\n');
    await page.locator('#upload-button').click();
    await page.locator('#upload-error', { hasText: 'This is not a CSV text file' }).waitFor();
  });

  it('uploads with the keyboard only, with a visible focus', async () => {
    await page.goto(`${t.baseUrl}/`);
    await enterKey(KEY_A);
    await page.locator('#history-info').waitFor();
    const tabTo = async (id: string) => {
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((want) => document.activeElement?.id === want, id)) return;
      }
      throw new Error(`Tab never reached #${id}`);
    };
    await tabTo('file-input');
    const zoneOutline = await page.locator('#drop-zone').evaluate((e) => getComputedStyle(e).outlineStyle);
    expect(zoneOutline).toBe('solid');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles({
      name: 'keyboard.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('clientCode,serviceCode\nC1,S1\n'),
    });
    await page.locator('#file-chosen', { hasText: 'keyboard.csv' }).waitFor();
    await tabTo('upload-button');
    expect(await page.locator('#upload-button').evaluate((e) => getComputedStyle(e).outlineStyle)).toBe(
      'solid',
    );
    await page.keyboard.press('Enter');
    await page.locator('#job-status', { hasText: /^Completed$/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#job-title').innerText()).toBe('Dry run: keyboard.csv');
  });

  it('fits a 400-px-wide window without horizontal scrolling', async () => {
    const wide = ['clientCode,serviceCode,quantity,notes', `NOPE,S1,1,${'a long note '.repeat(30)}`, ''].join(
      '\n',
    );
    const created = await request(t.app.getHttpServer())
      .post('/api/service-imports')
      .set('X-API-Key', KEY_A)
      .attach('file', Buffer.from(wide), 'narrow-window-with-a-long-file-name.csv')
      .expect(202);
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(`${t.baseUrl}/`);
    await enterKey(KEY_A);
    await page.locator('#history-table tbody tr').first().waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'import-page-400px');
    await page.locator(`#history-table a[href="#/imports/${created.body.code}"]`).click();
    await page.locator('#rows-table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'import-page-400px-job');
  });
});
