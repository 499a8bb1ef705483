import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { parseSeedArgs, seedCatalog } from '../scripts/seed';
import { expectFieldError, expectMalformedJsonRejected, ISO_UTC } from './support/api-answers';
import { createTestApp, TestApp } from './support/test-app';

describe('Clients API (e2e)', () => {
  let testApp: TestApp;
  let http: App;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const createClient = (body: object) => request(http).post('/api/clients').send(body);

  describe('POST /api/clients', () => {
    it('creates a client with a trimmed code and name', async () => {
      const res = await createClient({ code: '  ACME-001 ', name: ' Acme Corporation ' }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: 'ACME-001',
        name: 'Acme Corporation',
        isActive: true,
        createdDate: expect.stringMatching(ISO_UTC),
      });
      expect(Math.abs(Date.parse(res.body.createdDate) - Date.now())).toBeLessThan(60_000);
    });

    it('accepts every allowed character and the longest code and name', async () => {
      const code = `a.b_c-D9${'x'.repeat(56)}`;
      const res = await createClient({ code, name: 'n'.repeat(200) }).expect(201);
      expect(res.body.code).toBe(code);
    });

    it('rejects a duplicate code with 409', async () => {
      const res = await createClient({ code: 'ACME-001', name: 'Another' }).expect(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringContaining('"ACME-001" already exists'),
      });
    });

    it('treats codes case-insensitively: acme-001 is ACME-001', async () => {
      const res = await createClient({ code: 'acme-001', name: 'Lower case' }).expect(409);
      expect(res.body.message).toContain('case-insensitive');
      const list = await request(http).get('/api/clients').query({ search: 'acme-001' }).expect(200);
      expect(list.body.items.map((c: { code: string }) => c.code)).toEqual(['ACME-001']);
    });

    it.each([
      ['an unknown property', { code: 'X-1', name: 'X', extra: 1 }, 'property extra should not exist'],
      ['a missing name', { code: 'X-1' }, 'name must be a string'],
      ['a missing code', { name: 'X' }, 'code must be a string'],
      [
        'a code with a space',
        { code: 'AC ME', name: 'X' },
        "code may contain only letters, digits, '-', '_' and '.'",
      ],
      [
        'a code with a slash',
        { code: 'a/b', name: 'X' },
        "code may contain only letters, digits, '-', '_' and '.'",
      ],
      ['a blank code', { code: '   ', name: 'X' }, 'code must be 1 to 64 characters long'],
      ['a 65-character code', { code: 'c'.repeat(65), name: 'X' }, 'code must be 1 to 64 characters long'],
      ['a numeric code', { code: 123, name: 'X' }, 'code must be a string'],
      ['a blank name', { code: 'X-1', name: ' ' }, 'name must be 1 to 200 characters long'],
      [
        'a 201-character name',
        { code: 'X-1', name: 'n'.repeat(201) },
        'name must be 1 to 200 characters long',
      ],
    ])('rejects %s with 400 and a field message', async (_case, body, message) => {
      const res = await createClient(body).expect(400);
      expectFieldError(res, message);
    });

    it('rejects a malformed JSON body with 400 in the common error shape', async () => {
      await expectMalformedJsonRejected(http, '/api/clients', '{"code": "X-1", "name": ');
    });
  });

  describe('GET /api/clients', () => {
    beforeAll(async () => {
      for (const [code, name] of [
        ['beta-2', 'Beta Industries'],
        ['Alpha-1', 'Alpha Holdings'],
        ['gamma_3', '100% Organic'],
        ['DELTA.4', 'Delta Gamma Partners'],
      ]) {
        await createClient({ code, name }).expect(201);
      }
    });

    it('lists clients ordered by code case-insensitively, with the defaults page 1 and limit 20', async () => {
      const res = await request(http).get('/api/clients').expect(200);
      expect(res.body).toMatchObject({ total: 6, page: 1, limit: 20 });
      expect(res.body.items.map((c: { code: string }) => c.code.slice(0, 5))).toEqual([
        'a.b_c',
        'ACME-',
        'Alpha',
        'beta-',
        'DELTA',
        'gamma',
      ]);
      expect(res.body.items[0]).toEqual({
        id: expect.any(String),
        code: expect.any(String),
        name: expect.any(String),
        isActive: true,
        createdDate: expect.stringMatching(ISO_UTC),
      });
    });

    it('pages', async () => {
      const page2 = await request(http).get('/api/clients?page=2&limit=4').expect(200);
      expect(page2.body).toMatchObject({ total: 6, page: 2, limit: 4 });
      expect(page2.body.items.map((c: { code: string }) => c.code)).toEqual(['DELTA.4', 'gamma_3']);
      const beyond = await request(http).get('/api/clients?page=3&limit=4').expect(200);
      expect(beyond.body).toEqual({ items: [], total: 6, page: 3, limit: 4 });
    });

    it('searches the code and the name case-insensitively', async () => {
      const byName = await request(http).get('/api/clients?search=GAMMA').expect(200);
      expect(byName.body.items.map((c: { code: string }) => c.code)).toEqual(['DELTA.4', 'gamma_3']);
      expect(byName.body.total).toBe(2);
      const byCode = await request(http).get('/api/clients?search=pha-').expect(200);
      expect(byCode.body.items.map((c: { code: string }) => c.code)).toEqual(['Alpha-1']);
    });

    it('matches % and _ in the search literally', async () => {
      const percent = await request(http).get('/api/clients').query({ search: '%' }).expect(200);
      expect(percent.body.items.map((c: { code: string }) => c.code)).toEqual(['gamma_3']);
      const underscore = await request(http).get('/api/clients').query({ search: 'a_' }).expect(200);
      expect(underscore.body.items.map((c: { code: string }) => c.code)).toEqual(['gamma_3']);
      const none = await request(http).get('/api/clients').query({ search: 'zzz' }).expect(200);
      expect(none.body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
    });

    it.each([
      ['page=0', 'page must be a whole number from 1 to 1000000000, written with digits only'],
      ['page=1.5', 'page must be a whole number from 1 to 1000000000, written with digits only'],
      ['limit=0', 'limit must be a whole number from 1 to 100, written with digits only'],
      ['limit=101', 'limit must be a whole number from 1 to 100, written with digits only'],
      ['limit=abc', 'limit must be a whole number from 1 to 100, written with digits only'],
      ['sort=code', 'property sort should not exist'],
    ])('rejects ?%s with 400', async (query, message) => {
      const res = await request(http).get(`/api/clients?${query}`).expect(400);
      expectFieldError(res, message);
    });
  });

  describe('GET /api/clients/:id', () => {
    it('returns the client', async () => {
      const created = await createClient({ code: 'GET-1', name: 'Get me' }).expect(201);
      const res = await request(http).get(`/api/clients/${created.body.id}`).expect(200);
      expect(res.body).toEqual(created.body);
    });

    it('answers 404 for an unknown id', async () => {
      const id = randomUUID();
      const res = await request(http).get(`/api/clients/${id}`).expect(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Client ${id} not found` });
    });

    it('answers 400 for an id that is not a uuid', async () => {
      const res = await request(http).get('/api/clients/not-a-uuid').expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringContaining('uuid'),
      });
    });
  });

  it('answers an unknown route with 404 in the common error shape', async () => {
    const res = await request(http).get('/api/no-such-thing').expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
  });

  describe('GET /api/clients/:id/billable-services', () => {
    let clientId: string;
    let emptyClientId: string;
    let jobCode: string;

    beforeAll(async () => {
      clientId = (await createClient({ code: 'ASSIGN-1', name: 'Has services' }).expect(201)).body.id;
      emptyClientId = (await createClient({ code: 'ASSIGN-2', name: 'Has none' }).expect(201)).body.id;
      const service = (code: string, unitPrice: string) =>
        request(http)
          .post('/api/billable-services')
          .send({ code, name: `Service ${code}`, unitPrice })
          .expect(201);
      const [hosting, backup, support] = await Promise.all([
        service('hosting', '99.00'),
        service('BACKUP', '5.00'),
        service('support', '40.00'),
      ]);

      jobCode = 'job-code-e2e';
      const [job] = await testApp.dataSource.query<{ id: string }[]>(
        `INSERT INTO service_import_jobs
           (code, status, file_name, upload_key, file_size, file_sha256, encoding, delimiter, header, completed_at)
         VALUES ($1, 'Completed', 'services.csv', 'uploads/x.csv', 10, repeat('0', 64), 'utf-8', ',',
                 ARRAY['ClientCode'], now())
         RETURNING id`,
        [jobCode],
      );
      await testApp.dataSource.query(
        `INSERT INTO client_billable_services
           (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes, import_job_id,
            import_code)
         VALUES ($1, $2, 3, 12.5, '2026-01-01', '2026-01-31', 'Monthly, "quoted"', $5, $6),
                ($1, $3, 1, 0, NULL, NULL, NULL, NULL, NULL),
                ($1, $4, 2, 1234567890.99, '2025-12-31', NULL, NULL, NULL, NULL)`,
        [clientId, hosting.body.id, backup.body.id, support.body.id, job.id, jobCode],
      );
    });

    it('lists the assignments ordered by service code, with exact dates and prices', async () => {
      const res = await request(http).get(`/api/clients/${clientId}/billable-services`).expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 1, limit: 20 });
      expect(res.body.items.map((a: { serviceCode: string }) => a.serviceCode)).toEqual([
        'BACKUP',
        'hosting',
        'support',
      ]);
      const [backup, hosting, support] = res.body.items;
      expect(hosting).toEqual({
        id: expect.any(String),
        clientId,
        clientCode: 'ASSIGN-1',
        billableServiceId: expect.any(String),
        serviceCode: 'hosting',
        serviceName: 'Service hosting',
        quantity: 3,
        unitPrice: '12.50',
        startDate: '2026-01-01',
        endDate: '2026-01-31',
        notes: 'Monthly, "quoted"',
        importJobCode: jobCode,
        createdDate: expect.stringMatching(ISO_UTC),
        updatedDate: null,
      });
      expect(backup).toMatchObject({
        unitPrice: '0.00',
        startDate: null,
        endDate: null,
        notes: null,
        importJobCode: null,
      });
      expect(support).toMatchObject({ unitPrice: '1234567890.99', startDate: '2025-12-31', endDate: null });
    });

    it('pages', async () => {
      const res = await request(http)
        .get(`/api/clients/${clientId}/billable-services?page=2&limit=2`)
        .expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 2, limit: 2 });
      expect(res.body.items.map((a: { serviceCode: string }) => a.serviceCode)).toEqual(['support']);
      const beyond = await request(http).get(`/api/clients/${clientId}/billable-services?page=9`).expect(200);
      expect(beyond.body).toEqual({ items: [], total: 3, page: 9, limit: 20 });
    });

    it('returns an empty page for a client without services', async () => {
      const res = await request(http).get(`/api/clients/${emptyClientId}/billable-services`).expect(200);
      expect(res.body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
    });

    it('answers 404 for an unknown client and 400 for a bad id or paging', async () => {
      const id = randomUUID();
      const missing = await request(http).get(`/api/clients/${id}/billable-services`).expect(404);
      expect(missing.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `Client ${id} not found`,
      });
      await request(http).get('/api/clients/123/billable-services').expect(400);
      await request(http).get(`/api/clients/${clientId}/billable-services?limit=1000`).expect(400);
      await request(http).get(`/api/clients/${clientId}/billable-services?search=x`).expect(400);
    });
  });

  describe('seed', () => {
    it('creates the numbered clients and services once, respecting codes in any letter case', async () => {
      await createClient({ code: 'c000003', name: 'Already here' }).expect(201);

      expect(await seedCatalog(testApp.dataSource, { clients: 4, services: 2 })).toEqual({
        clients: 3,
        services: 2,
      });
      expect(await seedCatalog(testApp.dataSource, { clients: 5, services: 2 })).toEqual({
        clients: 1,
        services: 0,
      });

      const clients = await request(http).get('/api/clients?search=C00000').expect(200);
      expect(clients.body.items.map((c: { code: string; name: string }) => `${c.code} ${c.name}`)).toEqual([
        'C000001 Client 000001',
        'C000002 Client 000002',
        'c000003 Already here',
        'C000004 Client 000004',
        'C000005 Client 000005',
      ]);
      const services = await request(http).get('/api/billable-services?search=S000').expect(200);
      expect(
        services.body.items.map((s: { code: string; unitPrice: string }) => `${s.code} ${s.unitPrice}`),
      ).toEqual(['S0001 10.00', 'S0002 10.00']);
    });

    it('parses and checks its arguments', () => {
      expect(parseSeedArgs(['--clients', '10', '--services=3'])).toEqual({ clients: 10, services: 3 });
      expect(parseSeedArgs(['--services', '0'])).toEqual({ clients: 0, services: 0 });
      expect(() => parseSeedArgs([])).toThrow('nothing to seed');
      expect(() => parseSeedArgs(['--clients'])).toThrow('--clients needs a whole number from 0 to 999999');
      expect(() => parseSeedArgs(['--clients', '-1'])).toThrow('--clients needs a whole number');
      expect(() => parseSeedArgs(['--clients', '1000000'])).toThrow(
        '--clients must be a whole number from 0 to 999999',
      );
      expect(() => parseSeedArgs(['--services', '10000'])).toThrow(
        '--services must be a whole number from 0 to 9999',
      );
      expect(() => parseSeedArgs(['--clients', '1', '--clients', '2'])).toThrow('--clients is given twice');
      expect(() => parseSeedArgs(['--users', '1'])).toThrow('unknown argument "--users"');
    });

    it('runs as `npm run seed` does, against the configured database', async () => {
      const root = join(__dirname, '..');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-r', 'ts-node/register', 'scripts/seed.ts', '--clients', '7', '--services', '3'],
        {
          cwd: root,
          env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', DATABASE_URL: testApp.databaseUrl },
          timeout: 60_000,
        },
      );
      expect(stdout).toContain('created 2 clients and 1 services; 7 of the requested codes already existed.');
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM clients WHERE code ILIKE 'C00000%'`,
      );
      expect(count).toBe(7);
    });
  });
});
