/**
 * The preload: exposes exactly one object, `window.voxprint`, generated from the contract's op
 * names. Each method only forwards its request over its own IPC channel; validation and the sender
 * check happen in the main process. Nothing else from Electron or Node reaches the page.
 */
import '../src/api/zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { OP_NAMES, type Envelope, type JobEvent, type OpName } from '../src/api/contract';
import { createBridgeApi, type Transport } from '../src/api/client';
import { channelOf, EVENT_CHANNEL } from './ipc';

const transport: Transport = {
  invoke: (op: OpName, req: unknown) => ipcRenderer.invoke(channelOf(op), req) as Promise<Envelope>,
  subscribe(listener) {
    const wrapped = (_e: Electron.IpcRendererEvent, event: JobEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('voxprint', createBridgeApi(OP_NAMES, transport));
