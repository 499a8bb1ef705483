export * from '../rules/columns';
export * from '../../csv/csv-scanner';
export * from '../../csv/encoding/encoding';
export * from '../rules/report-csv';
export * from '../../csv/row-reader';
export * from '../rules/row-rules';
export * from '../../csv/upload-inspector';
