import { stopS3Server } from './s3-server';

export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_S3_STARTED_BY_SETUP !== '1') return;
  stopS3Server();
}
