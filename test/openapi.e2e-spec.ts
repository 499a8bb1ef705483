import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
        'committedFromCode',
        'commitCode',
        'retryOfCode',
        'commitCountersDiffer',
        'revertsCode',
        'revertCode',
      ].sort(),
    );
    expect(p.failureReason.description).toMatch(/Failed/);
    for (const n of ['updatedCount', 'unchangedCount']) {
      expect({ n, type: p[n].type, create: p[n].description }).toEqual({
        n,
        type: 'integer',
        create: expect.stringContaining('always 0 in create mode'),
      });
    }
    expect(p.mode.$ref ?? p.mode.allOf?.[0]?.$ref).toBe('#/components/schemas/ImportMode');
    expect(doc.components.schemas.ImportMode.enum).toEqual(['create', 'upsert', 'update']);
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
    const changesCsv = doc.paths['/api/service-imports/{code}/changes.csv'].get;
    expect(Object.keys(changesCsv.responses).sort()).toEqual(['200', '302', '401', '404', '410']);
    expect(changesCsv.responses['200'].content['application/json'].example).toHaveProperty('url');
    expect(changesCsv.description).toContain(
      'rowNumber,action,assignmentId,clientCode,serviceCode,field,from,to',
    );
    expect(doc.paths['/api/service-imports/template'].get).toBeDefined();
  });

  /** The document as a file, for the two tools that read one (each in a process of its own: both are ESM). */
  function documentFile(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'si-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    return file;
  }

  it("passes Redocly CLI's recommended ruleset with no error and no warning", () => {
    const cli = require.resolve('@redocly/cli/bin/cli.js');
    const args = [cli, 'lint', '--extends', 'recommended', '--format', 'json', documentFile()];
    const run = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 60_000,
    });
    const report = JSON.parse(run.stdout);
    const problems = report.problems.map(
      (p: { ruleId: string; message: string; location: { pointer: string }[] }) =>
        `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('is a valid OpenAPI document (swagger-parser), with the imports first and a server to call', () => {
    const validate =
      "import P from '@apidevtools/swagger-parser'; await P.validate(process.argv[1]); console.log('valid');";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', validate, documentFile()], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ stdout: run.stdout.trim(), stderr: run.stderr.trim() }).toEqual({ stdout: 'valid', stderr: '' });
    expect(doc.tags.map((tag: { name: string }) => tag.name)[0]).toBe('service-imports');
    expect(doc.servers).toEqual([expect.objectContaining({ url: t.config.publicBaseUrl })]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    const dryRun = doc.paths['/api/service-imports'].post.parameters.find(
      (p: { name: string }) => p.name === 'dryRun',
    );
    expect(dryRun.schema).toEqual({ type: 'boolean', default: false });
  });

  it('serves the licence the document names', async () => {
    const res = await request(t.app.getHttpServer()).get(new URL(doc.info.license.url).pathname).expect(200);
    expect(res.text).toMatch(/All rights reserved/);
  });
});
