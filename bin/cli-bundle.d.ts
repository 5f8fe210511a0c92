// Types for bin/cli-bundle.js (plain JS so that bin/voxprint.js and `npm install` need no build).
export declare const ROOT: string;
export declare const MANIFEST_FORMAT: number;
export declare function bundlePaths(root?: string): { bundle: string; manifest: string };
export declare function fileStamp(path: string): [number, number] | undefined;
export declare function fileHash(path: string): string;
export declare function freshBundle(env?: NodeJS.ProcessEnv, root?: string): { path?: string; why?: string };
