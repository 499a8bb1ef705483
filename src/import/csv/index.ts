export * from './columns';
export * from './csv-scanner';
export * from './encoding';
export * from './report-csv';
export * from './row-reader';
export * from './row-rules';
export * from './upload-inspector';
