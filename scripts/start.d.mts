import type { Server } from 'node:http';
export declare function needsBuild(): boolean;
export declare function buildDemo(): Promise<void>;
export declare function serve(port?: number): Promise<{ server: Server; url: string }>;
export declare function snapshot(url: string, out: string): Promise<void>;
