/**
 * The values the etcd global setup hands to test files through vitest's provide/inject.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Client URLs of the etcd that test files share, or null when there is none. */
    etcdEndpoints: string[] | null;
    /** Why there is no etcd when `etcdEndpoints` is null; empty otherwise. */
    etcdSkipReason: string;
  }
}

export {};
