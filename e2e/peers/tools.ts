// Which system tools the peers need are missing, so tests can skip with a clear reason instead
// of failing obscurely on a developer machine without them (CI installs them: scripts/test.mjs).
import fs from 'node:fs';
import path from 'node:path';

export const TOOL_PACKAGES: Record<string, string> = {
  kamailio: 'kamailio',
  baresip: 'baresip-core',
  sipp: 'sip-tester',
  sox: 'sox',
  tcpdump: 'tcpdump',
  gcc: 'gcc',
  chromium: 'chromium',
};

function onPath(tool: string): boolean {
  if (tool === 'chromium') return fs.existsSync('/usr/bin/chromium');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin'])) {
    if (dir && fs.existsSync(path.join(dir, tool))) return true;
  }
  return false;
}

export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => !onPath(t));
}

/** "" when all are there, else a skip reason naming the apt command. */
export function missingToolsReason(tools: readonly string[]): string {
  const missing = missingTools(tools);
  if (missing.length === 0) return '';
  return `missing system tools: ${missing.join(', ')} — install with: apt-get install -y ${missing.map((t) => TOOL_PACKAGES[t] ?? t).join(' ')}`;
}
