/** The part of s3rver 3 (an S3-protocol server for tests) the tests use; the package ships no types. */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    port?: number;
    address?: string;
    silent?: boolean;
    directory: string;
    configureBuckets?: { name: string }[];
  }
  class S3rver {
    constructor(options: S3rverOptions);
    /** Starts listening; resolves with the address. */
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export default S3rver;
}
