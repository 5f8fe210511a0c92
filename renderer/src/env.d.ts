/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { VoxprintBridge } from '../../src/api/client';

declare global {
  interface Window {
    /** Set by main/preload.ts in Electron and by src/bridge/client.ts in the browser. */
    readonly voxprint: VoxprintBridge;
  }
}
