import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { expectFieldError, expectMalformedJsonRejected, ISO_UTC } from './support/api-answers';
import { createTestApp, TestApp } from './support/test-app';

describe('Billable services API (e2e)', () => {
  let testApp: TestApp;
  let http: App;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const createService = (body: object) => request(http).post('/api/billable-services').send(body);
  const codes = (body: { items: { code: string }[] }) => body.items.map((s) => s.code);

  describe('POST /api/billable-services', () => {
    it('creates a service and renders its price with two decimals', async () => {
      const res = await createService({
        code: ' HOST-S ',
        name: ' Hosting, small ',
        unitPrice: '12.5',
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: 'HOST-S',
        name: 'Hosting, small',
        unitPrice: '12.50',
        createdDate: expect.stringMatching(ISO_UTC),
      });
    });

    it.each([
      [12.5, '12.50'],
      [7, '7.00'],
      [0, '0.00'],
      [0.1, '0.10'],
      ['0', '0.00'],
      [' 3.99 ', '3.99'],
      ['9999999999.99', '9999999999.99'],
      [9999999999.99, '9999999999.99'],
    ])('accepts the price %p as %p', async (unitPrice, expected) => {
      const res = await createService({ code: `P-${randomUUID()}`, name: 'Priced', unitPrice }).expect(201);
      expect(res.body.unitPrice).toBe(expected);
    });

    it('rejects a duplicate code with 409, also in another letter case', async () => {
      const same = await createService({ code: 'HOST-S', name: 'Again', unitPrice: 1 }).expect(409);
      expect(same.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringContaining('"HOST-S" already exists'),
      });
      const lower = await createService({ code: 'host-s', name: 'Again', unitPrice: 1 }).expect(409);
      expect(lower.body.message).toContain('"host-s" already exists (codes are case-insensitive)');
    });

    it.each([
      ['a negative number', -1, 'unitPrice must not be negative'],
      ['a negative string', '-0.01', 'unitPrice must not be negative'],
      ['three decimals as a number', 12.345, 'unitPrice must have at most 2 decimals'],
      ['three decimals as a string', '12.345', 'unitPrice must have at most 2 decimals'],
      ['text', 'abc', 'unitPrice must be a non-negative amount'],
      ['a comma decimal', '12,50', 'unitPrice must be a non-negative amount'],
      ['an exponent', 1e21, 'unitPrice must be a non-negative amount'],
      ['eleven integer digits', '10000000000', 'unitPrice must be a non-negative amount'],
      ['null', null, 'unitPrice is required'],
      ['a boolean', true, 'unitPrice must be a non-negative amount'],
    ])('rejects %s as unitPrice with 400', async (_case, unitPrice, message) => {
      const res = await createService({ code: 'BAD-PRICE', name: 'Bad', unitPrice }).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [expect.stringContaining(message)],
      });
    });

    it.each([
      ['a missing price', { code: 'X-1', name: 'X' }, 'unitPrice is required'],
      [
        'an unknown property',
        { code: 'X-1', name: 'X', unitPrice: 1, vat: 20 },
        'property vat should not exist',
      ],
      [
        'a bad code',
        { code: 'X 1', name: 'X', unitPrice: 1 },
        "code may contain only letters, digits, '-', '_' and '.'",
      ],
      ['a missing name', { code: 'X-1', unitPrice: 1 }, 'name must be a string'],
    ])('rejects %s with 400', async (_case, body, message) => {
      const res = await createService(body).expect(400);
      expectFieldError(res, message);
    });

    it('rejects a malformed JSON body with 400 in the common error shape', async () => {
      await expectMalformedJsonRejected(http, '/api/billable-services', '{"code": "X-1",, }');
    });
  });

  describe('GET /api/billable-services', () => {
    beforeAll(async () => {
      await testApp.dataSource.query(`DELETE FROM billable_services`);
      for (const [code, name, unitPrice] of [
        ['support-b', 'Support, business hours', '40'],
        ['BACKUP', 'Nightly backup', '5'],
        ['Support-A', 'Support, around the clock', '80'],
        ['hosting', 'Hosting', '99.90'],
      ]) {
        await createService({ code, name, unitPrice }).expect(201);
      }
    });

    it('lists the catalog ordered by code case-insensitively', async () => {
      const res = await request(http).get('/api/billable-services').expect(200);
      expect(res.body).toMatchObject({ total: 4, page: 1, limit: 20 });
      expect(codes(res.body)).toEqual(['BACKUP', 'hosting', 'Support-A', 'support-b']);
      expect(res.body.items[1]).toEqual({
        id: expect.any(String),
        code: 'hosting',
        name: 'Hosting',
        unitPrice: '99.90',
        createdDate: expect.stringMatching(ISO_UTC),
      });
    });

    it('pages', async () => {
      const res = await request(http).get('/api/billable-services?page=2&limit=3').expect(200);
      expect(res.body).toMatchObject({ total: 4, page: 2, limit: 3 });
      expect(codes(res.body)).toEqual(['support-b']);
    });

    it('searches the code and the name case-insensitively', async () => {
      const byCode = await request(http).get('/api/billable-services?search=SUPPORT').expect(200);
      expect(codes(byCode.body)).toEqual(['Support-A', 'support-b']);
      const byName = await request(http).get('/api/billable-services').query({ search: 'night' }).expect(200);
      expect(codes(byName.body)).toEqual(['BACKUP']);
      expect(byName.body.total).toBe(1);
    });

    it('rejects bad paging with 400', async () => {
      const res = await request(http).get('/api/billable-services?limit=500').expect(400);
      expect(res.body.message).toEqual([
        'limit must be a whole number from 1 to 100, written with digits only',
      ]);
    });
  });

  describe('GET /api/billable-services/:id', () => {
    it('returns the service', async () => {
      const created = await createService({ code: 'ONE', name: 'One', unitPrice: 1 }).expect(201);
      const res = await request(http).get(`/api/billable-services/${created.body.id}`).expect(200);
      expect(res.body).toEqual({ ...created.body, unitPrice: '1.00' });
    });

    it('answers 404 for an unknown id and 400 for a non-uuid', async () => {
      const id = randomUUID();
      const missing = await request(http).get(`/api/billable-services/${id}`).expect(404);
      expect(missing.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `Billable service ${id} not found`,
      });
      const bad = await request(http).get('/api/billable-services/42').expect(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });
  });
});
