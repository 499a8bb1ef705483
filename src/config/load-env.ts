// Imported first by the entry points (src/main.ts, ormconfig.ts, scripts/seed.ts): `.env` of the
// working directory, if any, before anything reads the configuration.
import { loadEnvFile } from './env-file';

loadEnvFile();
