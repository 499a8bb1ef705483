import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

/** The twelve properties of the published contract, read from the seed document itself. */
function seedProperties(): Map<string, string> {
  // A copy of the published contract (shared/seeds/ServiceImportJobDto.txt), kept with the tests.
  const seedPath = join(__dirname, 'fixtures', 'contract', 'ServiceImportJobDto.txt');
  const text = readFileSync(seedPath, 'utf8');
  const names = [
    'code',
    'status',
    'fileName',
    'totalItems',
    'processedItems',
    'createdCount',
    'skippedCount',
    'errorCount',
    'startedDate',
    'completedDate',
    'createdDate',
    'notImportedDownloadUrl',
  ];
  const types = ['string', 'enum', 'integer'];
  const props = new Map<string, string>();
  const lines = text.split('\n').map((l) => l.trimEnd());
  for (let i = 0; i < lines.length; i++) {
    const name = names.find((n) => types.some((t) => lines[i] === `${n}${t}`));
    if (!name) continue;
    // The description is the paragraph after the name line, up to the blank line that repeats it.
    const desc: string[] = [];
    for (let j = i + 2; j < lines.length && lines[j] !== ''; j++) desc.push(lines[j]);
    props.set(name, desc.join('\n'));
  }
  return props;
}

describe('OpenAPI document (e2e)', () => {
  let t: TestApp;
  let doc: any;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('ServiceImportJobDto has the seed properties, types, enum order, nullability and descriptions', () => {
    const schema = doc.components.schemas.ServiceImportJobDto;
    expect(schema).toBeDefined();
    const seed = seedProperties();
    expect([...seed.keys()]).toHaveLength(12);
    const seedNames = [...seed.keys()];
    expect(Object.keys(schema.properties).slice(0, 12)).toEqual(seedNames);
    const extras = Object.keys(schema.properties).slice(12);
    expect(extras).toContain('failureReason');

    for (const [name, description] of seed) {
      if (name === 'status') continue; // the seed gives only the enum values for status
      expect({ name, description: schema.properties[name].description }).toEqual({ name, description });
    }
    const p = schema.properties;
    expect(p.code.type).toBe('string');
    expect(p.fileName.type).toBe('string');
    for (const n of ['totalItems', 'processedItems', 'createdCount', 'skippedCount', 'errorCount']) {
      expect({ n, type: p[n].type }).toEqual({ n, type: 'integer' });
    }
    for (const n of ['startedDate', 'completedDate', 'createdDate']) {
      expect({ n, type: p[n].type, format: p[n].format }).toEqual({ n, type: 'string', format: 'date-time' });
    }
    expect(p.notImportedDownloadUrl.type).toBe('string');
    const nullable = Object.keys(p).filter((n) => p[n].nullable === true);
    expect(nullable.sort()).toEqual(
      [
        'totalItems',
        'startedDate',
        'completedDate',
        'notImportedDownloadUrl',
        'failureReason',
        'phase',
        'progressPercent',
        'estimatedSecondsRemaining',
      ].sort(),
    );
    expect(p.failureReason.description).toMatch(/Failed/);
    expect(extras).toEqual(expect.arrayContaining(['progressPercent', 'estimatedSecondsRemaining']));
    expect(p.progressPercent).toMatchObject({ type: 'number', minimum: 0, maximum: 100 });
    expect(p.estimatedSecondsRemaining).toMatchObject({ type: 'integer', minimum: 0 });

    const ref: string | undefined = p.status.$ref ?? p.status.allOf?.[0]?.$ref;
    expect(ref).toBe('#/components/schemas/ImportStatus'); // a named enum (enumName) in Swagger UI
    const statusEnum = doc.components.schemas[ref!.split('/').pop()!].enum;
    expect(statusEnum).toEqual(['Queued', 'InProgress', 'Completed', 'Failed', 'Cancelled']);
    for (const n of [
      'code',
      'status',
      'fileName',
      'processedItems',
      'createdCount',
      'skippedCount',
      'errorCount',
      'createdDate',
    ]) {
      expect(schema.required).toContain(n);
    }
  });

  it('documents the upload as multipart with a file field and every import operation', () => {
    const post = doc.paths['/api/service-imports'].post;
    const body = post.requestBody.content['multipart/form-data'].schema;
    expect(body.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['202', '400', '413', '415']));
    expect(doc.paths['/api/service-imports/{code}'].get).toBeDefined();
    expect(doc.paths['/api/service-imports/{code}/cancel'].post.responses['409']).toBeDefined();
    expect(doc.paths['/api/service-imports/{code}/not-imported'].get.responses['302']).toBeDefined();
    expect(doc.paths['/api/service-imports/template'].get).toBeDefined();
  });
});
