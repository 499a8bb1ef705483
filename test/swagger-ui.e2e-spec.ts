import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { seedCatalog } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Swagger UI driven by a real browser: Debian's chromium (installed by scripts/ensure-test-tools.sh,
 * which .ci/run calls) through playwright-core. Screenshots of each step go to test-artifacts/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const KEY = 'swagger-secret-0123456789';

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed (${CHROMIUM} is missing), so the browser tests cannot run. ` +
        'Install it with `bash scripts/ensure-test-tools.sh` (apt-get install chromium; .ci/run does this), ' +
        'or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
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

/** Fails the test on a script error or a Content-Security-Policy violation in the page. */
function watchForPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return problems;
}

/** The whole page, or one part of it (`of`). */
async function screenshot(page: Page, name: string, of?: Locator): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await (of ? of.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
}

describe('Swagger UI in a browser (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    // With an API key required, as in production: the test also proves Authorize works.
    t = await createTestApp({ API_KEYS: `swagger:${KEY}` });
    await seedCatalog(t.dataSource, ['C1'], [['S1', '10.00']]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = watchForPageErrors(page);
  });
  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  it('shows ServiceImportJobDto under Schemas with its properties', async () => {
    await page.goto(`${t.baseUrl}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    const schemas = page.locator('section.models');
    await schemas.locator('h4', { hasText: 'Schemas' }).waitFor();
    const model = page.locator('#model-ServiceImportJobDto');
    await model.scrollIntoViewIfNeeded();
    await model.locator('.model-box-control').first().click();
    for (const property of ['code', 'status', 'processedItems', 'notImportedDownloadUrl']) {
      await model
        .locator('.property-row td', { hasText: new RegExp(`^${property}\\*?$`) })
        .first()
        .waitFor();
    }
    await screenshot(page, 'swagger-ui-schema', model);
  });

  it('uploads a CSV through "Try it out" on POST /api/service-imports and gets 202 with a code', async () => {
    await page.goto(`${t.baseUrl}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();

    // Authorize with the API key (the X-API-Key scheme).
    await page.locator('button.authorize').first().click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    const apiKeyForm = dialog.locator('.auth-container', { hasText: 'X-API-Key' });
    await apiKeyForm.locator('input').fill(KEY);
    await apiKeyForm.locator('button.authorize').click();
    await dialog.locator('button.close-modal').click();

    const operation = page.locator('#operations-service-imports-ImportController_create');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('input[type="file"]').setInputFiles({
      name: 'swagger-ui.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('clientCode,serviceCode,quantity\nC1,S1,2\n'),
    });
    await screenshot(page, 'swagger-ui-try-it-out', operation);
    await operation.locator('button.execute').click();

    const live = operation.locator('.live-responses-table');
    await live.locator('.response-col_status', { hasText: '202' }).first().waitFor({ timeout: 15_000 });
    const body = await live.locator('.response-col_description pre').first().innerText();
    await screenshot(page, 'swagger-ui-executed', operation);
    const job = JSON.parse(body) as { code: string; status: string };
    expect(job.code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(job.status).toBe('Queued');

    // The job really exists, owned by the key the browser sent.
    const res = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${job.code}`)
      .set('X-API-Key', KEY)
      .expect(200);
    expect(res.body.fileName).toBe('swagger-ui.csv');
  });
});

describe('Queue dashboard in a browser (e2e)', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    t = await createTestApp({ APP_ROLE: 'api', API_KEYS: `ops:${KEY}`, ADMIN_API_KEYS: 'ops' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders /admin/queues with the import queue once the browser sends the key (HTTP Basic)', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'ops', password: KEY } });
    const page = await context.newPage();
    const problems = watchForPageErrors(page);
    try {
      await page.goto(`${t.baseUrl}/admin/queues`);
      await page.getByText('Imports').first().waitFor({ timeout: 15_000 });
      await screenshot(page, 'queue-dashboard');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
