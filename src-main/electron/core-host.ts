// utilityProcess entry (dist/electron/core-host.cjs): runs the core off the main process so
// SIP/RTP/SRTP work never stalls window, tray or IPC handling (see the decision in main.ts).
import { createCore } from '../core/index';
import { LogHub, stderrSink, type LogLevel } from '../core/log/logger';
import { createRotatingFileSink } from '../core/log/file-sink';
import type { HostToMain, MainToHost, MessagePortLike } from './core-host-protocol';
import { serveCoreHost } from './core-host-server';

const parentPort = process.parentPort;

const port: MessagePortLike<MainToHost, HostToMain> = {
  postMessage: (m) => parentPort.postMessage(m),
  onMessage: (listener) => {
    const l = (e: { data: unknown }): void => listener(e.data as MainToHost);
    parentPort.on('message', l);
    return () => parentPort.off('message', l);
  },
};

serveCoreHost(port, async (init, secretStore) => {
  const logHub = new LogHub(init.logLevel as LogLevel | undefined);
  logHub.addSink(createRotatingFileSink({ dir: init.logDir }).sink);
  if (process.env.SOFTPHONE_LOG_STDERR === '1') logHub.addSink(stderrSink);
  return createCore({
    dataDir: init.dataDir,
    logDir: init.logDir,
    logHub,
    secretStore,
    ...(init.profilePath ? { profilePath: init.profilePath } : {}),
    ...(init.provisioningPaths ? { provisioningPaths: init.provisioningPaths } : {}),
    ...(init.app ? { app: init.app } : {}),
  });
});
