import type { BrowserContext, Page } from 'playwright-core';
export declare const chromiumPath: string;
export declare function haveChromium(): boolean;
export declare const CHROMIUM_ARGS: string[];
export declare function launchChromium(viewport?: { width?: number; height?: number }): Promise<{ ctx: BrowserContext; page: Page; close(): Promise<void> }>;
