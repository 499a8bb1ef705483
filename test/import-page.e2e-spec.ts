import { readFileSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { dropFile, launchChromium, screenshot, watchForPageErrors } from './support/browser';
import { parseReport, seedCatalog } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The import page (`/`) in a real browser, against the real service: a dry run dropped on the page,
 * committed, its rows paged and filtered, its report downloaded, a retry and an undo, all by clicking.
 * Screenshots of each step go to test-artifacts/import-page-*.png.
 */
const MISSING = Array.from({ length: 30 }, (_, i) => `N${String(i + 1).padStart(2, '0')}`);
const FILE = [
  'clientCode,serviceCode,quantity',
  ...['C1', 'C2', 'C3', 'C4', 'C5'].map((c) => `${c},S1,2`),
  ...MISSING.map((c) => `${c},S1,1`),
  ...['C1', 'C2', 'C3'].map((c) => `${c},S2,abc`),
  '',
].join('\n');

describe('Import page in a browser (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const assignments = async () =>
    Number((await t.dataSource.query('SELECT count(*)::int AS n FROM client_billable_services'))[0].n);

  beforeAll(async () => {
    browser = await launchChromium();
    t = await createTestApp({ IMPORT_MAX_FILE_BYTES: '20000' });
    await seedCatalog(
      t.dataSource,
      ['C1', 'C2', 'C3', 'C4', 'C5'],
      [
        ['S1', '10.00'],
        ['S2', '5.00'],
      ],
    );
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    });
    problems = watchForPageErrors(page);
  });
  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  const codeInUrl = () => /#\/imports\/([A-Za-z0-9_-]{22})$/.exec(page.url())?.[1] ?? '';
  const nextJob = async (previous: string) => {
    await page.waitForURL(
      (url) => /#\/imports\/[A-Za-z0-9_-]{22}$/.test(url.hash) && !url.hash.endsWith(previous),
    );
    return codeInUrl();
  };
  const completed = () =>
    page.locator('#job-status', { hasText: /^Completed$/ }).waitFor({ timeout: 30_000 });
  const counter = (name: string) => page.locator(`[data-counter="${name}"]`).innerText();

  it('serves / with a CSP stricter than Swagger UI: no inline script or style, nothing from elsewhere', async () => {
    const res = await page.goto(`${t.baseUrl}/`);
    expect(res?.status()).toBe(200);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https:|data:|\*/);
    const docs = await request(t.app.getHttpServer()).get('/docs/').expect(200);
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' https: 'unsafe-inline'");
    await page.locator('#history-info').waitFor();
    expect(await page.locator('#dry-run').isChecked()).toBe(true);
  });

  it('drops a file, shows the dry run, commits it, pages and filters the rows, downloads the report', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.locator('#mode').selectOption('upsert');
    await dropFile(page, '#drop-zone', 'page.csv', FILE);
    await page.locator('#file-chosen', { hasText: 'page.csv' }).waitFor();
    await screenshot(page, 'import-page-upload');
    await page.locator('#upload-button').click();

    const dryRun = await nextJob('-');
    await completed();
    await page.locator('#reason-chart li[data-reason="CLIENT_NOT_FOUND"]').waitFor();
    expect(await counter('created')).toBe('5');
    expect(await counter('skipped')).toBe('30');
    expect(await counter('errors')).toBe('3');
    expect(await page.locator('#reason-chart li[data-reason="CLIENT_NOT_FOUND"] .count').innerText()).toBe(
      '30',
    );
    expect(await page.locator('#reason-chart li[data-reason="INVALID_QUANTITY"] .count').innerText()).toBe(
      '3',
    );
    expect(await page.locator('#reason-chart li').count()).toBe(2);
    await page.locator('#changes-info', { hasText: 'of 5' }).waitFor();
    await screenshot(page, 'import-page-dry-run');
    expect(await assignments()).toBe(0);

    await page.locator('#commit-button').click();
    const commit = await nextJob(dryRun);
    await completed();
    expect(await page.locator('#progress').evaluate((p: HTMLProgressElement) => p.value)).toBe(100);
    expect(await counter('created')).toBe('5');
    expect(await assignments()).toBe(5);
    const job = await request(t.app.getHttpServer()).get(`/api/service-imports/${commit}`).expect(200);
    expect(job.body.committedFromCode).toBe(dryRun);

    // 33 rows not imported, 25 a page.
    await page.locator('#rows-info', { hasText: 'Rows 1–25 of 33' }).waitFor();
    expect(await page.locator('#rows-table tbody tr').count()).toBe(25);
    expect(await page.locator('#rows-table tbody tr').first().getAttribute('data-row')).toBe('6');
    expect(await page.locator('#rows-table thead th').allInnerTexts()).toEqual([
      'Row',
      'clientCode',
      'serviceCode',
      'quantity',
      'Outcome',
      'Reason',
      'Message',
    ]);
    await page.locator('#rows-next').click();
    await page.locator('#rows-info', { hasText: 'Rows 26–33 of 33' }).waitFor();
    expect(await page.locator('#rows-table tbody tr').first().getAttribute('data-row')).toBe('31');
    expect(await page.locator('#rows-next').isDisabled()).toBe(true);
    await page.locator('#rows-prev').click();
    await page.locator('#rows-info', { hasText: 'Rows 1–25 of 33' }).waitFor();

    await page.locator('#reason-filter').selectOption('INVALID_QUANTITY');
    await page.locator('#rows-info', { hasText: 'Rows 1–3 of 3' }).waitFor();
    expect(await page.locator('#rows-table td.reason').allInnerTexts()).toEqual(
      Array(3).fill('INVALID_QUANTITY'),
    );
    expect(await page.locator('#rows-table td.value').first().innerText()).toBe('C1');
    await screenshot(page, 'import-page-rows');
    // The chart picks the filter too.
    await page.locator('#reason-chart li[data-reason="CLIENT_NOT_FOUND"] button').click();
    await page.locator('#rows-info', { hasText: 'of 30' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#report-button').click(),
    ]);
    const report = parseReport(readFileSync(await download.path(), 'utf8'));
    expect(report.length).toBe(34); // the header and 33 rows
    expect(report[0]).toContain('reason');
  });

  it('retries the CLIENT_NOT_FOUND rows once the clients exist, then undoes the retry', async () => {
    const commit = (
      await t.dataSource.query(`SELECT code FROM service_import_jobs WHERE committed_from_id IS NOT NULL`)
    )[0].code as string;
    await seedCatalog(t.dataSource, MISSING, []);
    await page.goto(`${t.baseUrl}/#/imports/${commit}`);
    await page.locator('#retry-reason').selectOption('CLIENT_NOT_FOUND');
    await page.locator('#retry-button').click();
    const retry = await nextJob(commit);
    await completed();
    expect(await counter('created')).toBe('30');
    expect(await assignments()).toBe(35);
    await screenshot(page, 'import-page-retry');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#undo-button').click();
    const revert = await nextJob(retry);
    await completed();
    expect(await counter('reverted')).toBe('30');
    expect(await assignments()).toBe(5);
    await screenshot(page, 'import-page-undo');

    // History: newest first, each linking to its page, filterable by status.
    await page.locator('a[href="#/"]').first().click();
    await page.locator('#history-table tbody tr').first().waitFor();
    expect(await page.locator('#history-table tbody tr').first().getAttribute('data-code')).toBe(revert);
    expect(await page.locator('#history-table tbody tr').count()).toBe(4);
    await page.locator('#status-filter').selectOption('Failed');
    await page.locator('#history-info', { hasText: 'No imports yet.' }).waitFor();
    await page.locator('#status-filter').selectOption('Completed');
    await page.locator('#history-info', { hasText: 'of 4' }).waitFor();
    const time = page.locator('#history-table time').first();
    expect(await time.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await screenshot(page, 'import-page-history');
    await page.locator(`#history-table a[href="#/imports/${retry}"]`).click();
    await page.locator('#job-title', { hasText: 'page.csv' }).waitFor();
    await page.getByText('Undone by').waitFor();
  });
});
