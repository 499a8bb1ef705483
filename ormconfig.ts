// The DataSource the TypeORM CLI uses (migration:generate / run / revert). The app builds its own
// from the same options in src/database.
import './src/config/load-env';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

export default new DataSource(dataSourceOptions(loadConfig().databaseUrl));
