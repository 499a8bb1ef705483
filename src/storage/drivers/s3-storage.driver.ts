import {
  AbortMultipartUploadCommand,
  BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig } from '../../config/app-config';
import { attachmentDisposition } from '../content-disposition';
import { PutOptions, SignedUrlOptions, StorageDriver, StorageObjectNotFoundError } from '../storage.types';

/** Multipart upload tuning: at most PART_SIZE x QUEUE_SIZE bytes of an upload are held in memory. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** Objects in an S3 bucket (AWS, MinIO, Swift s3api, ...); downloads are presigned GET URLs. */
export class S3StorageDriver implements StorageDriver {
  readonly name = 's3' as const;
  private readonly client: S3Client;
  /** Signs download links for the host browsers reach (S3_PUBLIC_ENDPOINT), which may differ from ours. */
  private readonly signer: S3Client;
  private readonly bucket: string;

  constructor(private readonly config: AppConfig) {
    const s3 = config.storage.s3;
    this.bucket = s3.bucket;
    this.client = new S3Client(clientOptions(s3.endpoint, s3));
    this.signer = s3.publicEndpoint ? new S3Client(clientOptions(s3.publicEndpoint, s3)) : this.client;
  }

  async init(): Promise<void> {
    if (await this.bucketExists()) return;
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // us-east-1 is the one region that must not be named here.
          CreateBucketConfiguration:
            this.config.storage.s3.region === 'us-east-1'
              ? undefined
              : { LocationConstraint: this.config.storage.s3.region as BucketLocationConstraint },
        }),
      );
    } catch (error) {
      // Another instance created it between our HEAD and CREATE. "AlreadyExists" may also mean
      // someone else owns it, so only a HEAD that now succeeds settles it.
      if (!isError(error, 'BucketAlreadyOwnedByYou', 'BucketAlreadyExists') || !(await this.bucketExists())) {
        throw error;
      }
    }
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<{ size: number }> {
    const counter = new ByteCounter();
    // Upload sends one PutObject for small bodies and a multipart upload for large ones, so a
    // stream of unknown length never has to be buffered whole.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counter, ContentType: options.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
    // Either side failing fails the other: a source that errors or is aborted destroys the counter
    // (pipeline), which makes Upload abort its multipart upload; an upload S3 refused destroys the
    // counter, which stops reading the source.
    const uploaded = upload.done();
    uploaded.catch((error: Error) => counter.destroy(error));
    const piped = pipeline(body, counter);
    // Both settle before we answer, so a failed put() has already aborted its multipart upload.
    const [sent, read] = await Promise.allSettled([uploaded, piped]);
    if (read.status === 'rejected') throw read.reason;
    if (sent.status === 'rejected') throw sent.reason;
    return { size: counter.bytes };
  }

  async get(key: string): Promise<Readable> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new StorageObjectNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async signedDownloadUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(options.fileName),
      ResponseContentType: options.contentType,
      // Same caching rule as the local download route.
      ResponseCacheControl: 'private, no-store',
    });
    return getSignedUrl(this.signer, command, {
      expiresIn: options.ttlSeconds ?? this.config.signedUrlTtlSeconds,
    });
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async sweepLeftovers(olderThan: Date): Promise<number> {
    let removed = 0;
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, ...markers }),
      );
      for (const { Key, UploadId, Initiated } of page.Uploads ?? []) {
        if (!Key || !UploadId || !Initiated || Initiated >= olderThan) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId }));
        removed++;
      }
      if (!page.IsTruncated) return removed;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  destroy(): void {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }

  private async bucketExists(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch (error) {
      if (isBucketMissing(error)) return false;
      throw error;
    }
  }
}

/** Counts the bytes that pass through, for put()'s result. */
class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

function isError(error: unknown, ...names: string[]): boolean {
  return error instanceof S3ServiceException && names.includes(error.name);
}

function is404(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata?.httpStatusCode === 404;
}

/**
 * HEAD responses have no body, so there a missing key shows only as a bare 404 ("NotFound"). A
 * missing bucket is a deployment problem, not a missing object, and is left to surface as itself.
 */
function isNotFound(error: unknown): boolean {
  return !isError(error, 'NoSuchBucket') && (isError(error, 'NoSuchKey', 'NotFound') || is404(error));
}

function isBucketMissing(error: unknown): boolean {
  return isError(error, 'NoSuchBucket', 'NotFound') || is404(error);
}

function clientOptions(endpoint: string | undefined, s3: AppConfig['storage']['s3']): S3ClientConfig {
  return {
    endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    // Without explicit keys the SDK's default chain applies (IAM role, AWS_PROFILE, ...).
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : undefined,
    // The SDK's default (checksums on every request) sends streamed bodies aws-chunked, which
    // S3-compatible servers reject (Swift: 501) or store corrupted; see notes/s3-test-server.md.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Fail a health check or start-up quickly when the endpoint does not answer at all.
    requestHandler: { connectionTimeout: 5000 },
  };
}
