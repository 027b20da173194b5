// Sandboxed preload (bundled to CJS by scripts/build.mjs): exposes window.softphoneBridge and
// nothing else. The command list comes from the protocol so a new command needs no edit here.
import { contextBridge, ipcRenderer } from 'electron';
import { commandSchemas, type CommandType } from '../../shared/protocol';
import { createSoftphoneBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('softphoneBridge', createSoftphoneBridge(ipcRenderer, Object.keys(commandSchemas) as CommandType[]));
