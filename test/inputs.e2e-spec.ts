import request from 'supertest';
import { seedCatalog, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

/** The one error shape, with a status that is the client's fault. */
function expectClientError(res: request.Response, statuses: number[]): void {
  expect(statuses).toContain(res.status);
  expect(res.body).toEqual({
    statusCode: res.status,
    error: res.status === 400 ? 'Bad Request' : 'Not Found',
    message: expect.anything(),
  });
}

/** Codes an import never has: NUL bytes (plain and overlong UTF-8), controls, wrong shapes. */
function badCodes(real: string): string[] {
  return [
    '%00',
    '%00%00',
    `${real}%00`,
    `${real.slice(0, 21)}%00`, // the right length once decoded
    `%00${real}`,
    '%C0%80',
    `${real.slice(0, 20)}%C0%80`,
    '%01',
    `${real.slice(0, 21)}%0A`,
    `${real.slice(0, 21)}%E2%80%8B`,
    `${real.slice(0, 21)}%25`,
    'no-such-code',
    real.slice(0, 21),
    `${real}A`,
    'A'.repeat(5000),
  ];
}

describe('inputs that must get a 4xx, never a 500 (e2e)', () => {
  let t: TestApp;
  let http: ReturnType<typeof request>;
  let code: string;
  let clientId: string;

  beforeAll(async () => {
    t = await createTestApp();
    http = request(t.app.getHttpServer());
    await seedCatalog(t.dataSource, ['C1'], [['S1', '1.00']]);
    code = (await uploadAndWait(t.app, 'clientCode,serviceCode\nNOPE,S1\n', 'x.csv')).code;
    [{ id: clientId }] = await t.dataSource.query(`SELECT id FROM clients WHERE code = 'C1'`);
  });
  afterAll(() => t.close());

  const CODE_ROUTES: [method: 'get' | 'post', suffix: string][] = [
    ['get', ''],
    ['get', '/rows'],
    ['get', '/events'],
    ['post', '/cancel'],
    ['get', '/not-imported'],
  ];

  it('answers 404 or 400 for a malformed code on every code route', async () => {
    const answers: string[] = [];
    for (const [method, suffix] of CODE_ROUTES) {
      for (const bad of badCodes(code)) {
        const res = await http[method](`/api/service-imports/${bad}${suffix}`);
        answers.push(`${method} ${bad}${suffix} ${res.status}`);
        expectClientError(res, [400, 404]);
      }
    }
    expect(answers.filter((a) => !/ (400|404)$/.test(a))).toEqual([]);
    // The routes still serve the real code.
    await http.get(`/api/service-imports/${code}`).expect(200);
    await http.get(`/api/service-imports/${code}/rows`).expect(200);
  });

  it('answers 400 for a NUL character in search=', async () => {
    for (const path of ['/api/clients', '/api/billable-services']) {
      for (const search of ['%00', 'a%00b', '%00%00', 'C%001']) {
        const res = await http.get(`${path}?search=${search}`);
        expectClientError(res, [400]);
        expect(res.body.message).toEqual(['search must not contain the NUL character (U+0000)']);
      }
      // An overlong NUL is not decoded: searched for as written, found nowhere.
      const overlong = await http.get(`${path}?search=%C0%80`).expect(200);
      expect(overlong.body.total).toBe(0);
    }
  });

  it('answers 400 naming the field for a NUL character in a JSON or form body', async () => {
    const bodies: [string, Record<string, unknown>, string][] = [
      ['/api/clients', { code: 'N1', name: 'a\u0000b' }, 'name'],
      ['/api/clients', { code: 'N1', name: '\u0000' }, 'name'],
      ['/api/clients', { code: 'N\u00001', name: 'x' }, 'code'],
      ['/api/billable-services', { code: 'N1', name: 'x\u0000', unitPrice: '1.00' }, 'name'],
      ['/api/billable-services', { code: 'N1', name: 'x', unitPrice: '1.00\u0000' }, 'unitPrice'],
      ['/api/billable-services', { code: 'N1', name: 'x', unitPrice: '1', extra: ['\u0000'] }, 'extra[0]'],
    ];
    for (const [path, body, field] of bodies) {
      const json = await http.post(path).send(body);
      expectClientError(json, [400]);
      expect(json.body.message).toBe(`${field} must not contain the NUL character (U+0000)`);
      const form = await http.post(path).type('form').send(body);
      expectClientError(form, [400]);
    }
    const { count } = (await t.dataSource.query(`SELECT count(*)::int AS count FROM clients`))[0];
    expect(count).toBe(1);
  });

  it('answers 400 for malformed page and limit on every list route', async () => {
    const lists = [
      '/api/service-imports',
      '/api/clients',
      '/api/billable-services',
      `/api/clients/${clientId}/billable-services`,
      `/api/service-imports/${code}/rows`,
    ];
    const numerals = [
      '1e1',
      '1e20',
      '1e308',
      '0x10',
      '0b11',
      '0o7',
      ' 1',
      '1.0',
      '-0',
      '-1',
      '0',
      '+1',
      '%00',
    ];
    const wrong: string[] = [];
    for (const path of lists) {
      await http.get(`${path}?page=1&limit=1`).expect(200);
      for (const name of ['page', 'limit']) {
        for (const numeral of [...numerals, '1&' + name + '=2']) {
          const res = await http.get(
            `${path}?${name}=${encodeURIComponent(numeral).replace('%26', '&').replace('%3D', '=')}`,
          );
          if (res.status !== 400) wrong.push(`${path} ${name}=${numeral}: ${res.status}`);
          else expectClientError(res, [400]);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 400 for a JSON body nested 20,000 levels deep', async () => {
    const deepArray = '['.repeat(20_000) + ']'.repeat(20_000);
    const deepObject = '{"a":'.repeat(15_000) + '1' + '}'.repeat(15_000);
    for (const path of ['/api/clients', '/api/billable-services']) {
      for (const raw of [deepArray, deepObject, `{"code":"D1","name":${deepArray}}`]) {
        const res = await http.post(path).set('Content-Type', 'application/json').send(raw);
        expectClientError(res, [400]);
        expect(res.body.message).toBe('The request body is nested more than 64 levels deep');
      }
    }
  });

  it('keeps every column in /rows values, whatever its name', async () => {
    const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];
    const csv = `clientCode,serviceCode,${names.join(',')}\nNOPE,S1,${names.map((_, i) => `v${i}`).join(',')}\n`;
    const job = await uploadAndWait(t.app, csv, 'proto.csv');
    const res = await http.get(`/api/service-imports/${job.code}/rows`).expect(200);
    const values = res.body.items[0].values as Record<string, string>;
    expect(Object.entries(values)).toEqual([
      ['clientCode', 'NOPE'],
      ['serviceCode', 'S1'],
      ...names.map((name, i) => [name, `v${i}`]),
    ]);
    expect(res.text).toContain('"__proto__":"v0"');
  });
});
