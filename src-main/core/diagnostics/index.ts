export { createDiagnosticsArchive, findSecretLeaks, DiagnosticsLeakError, DiagnosticsWriteError } from './archive';
export type { DiagnosticsInput, DiagnosticsResult, DiagnosticsAppInfo } from './archive';
export { createTar, readTar } from './tar';
