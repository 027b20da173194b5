// Where IT puts a provisioning profile on each OS: a system-wide file (deployed by software
// distribution, not writable by the agent) and then a per-user one. Later files win field by field.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FieldError } from '../../../shared/types';
import { deepMerge, isPlainObject, type PlainObject } from './object-path';

export function defaultProvisioningPaths(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string[] {
  if (platform === 'win32') {
    const programData = env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData';
    const appData = env.APPDATA ?? join(home, 'AppData', 'Roaming');
    return [join(programData, 'AgentSoftphone', 'profile.json'), join(appData, 'AgentSoftphone', 'profile.json')];
  }
  if (platform === 'darwin') {
    return [
      '/Library/Application Support/AgentSoftphone/profile.json',
      join(home, 'Library', 'Application Support', 'AgentSoftphone', 'profile.json'),
    ];
  }
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  return ['/etc/agent-softphone/profile.json', join(configHome, 'agent-softphone', 'profile.json')];
}

export interface ProfileLayer {
  source: string;
  data: PlainObject;
}

export interface ReadLayersResult {
  layers: ProfileLayer[];
  errors: FieldError[];
}

/**
 * Reads the files that exist, in order. `required` files (the --profile the agent or a test
 * named) report a missing file; the well-known locations are simply skipped when absent.
 */
export function readProfileLayers(optional: readonly string[], required: readonly string[] = []): ReadLayersResult {
  const layers: ProfileLayer[] = [];
  const errors: FieldError[] = [];
  const read = (path: string, mustExist: boolean): void => {
    if (!existsSync(path)) {
      if (mustExist) errors.push({ field: '(profile)', message: `The profile file ${path} does not exist; check the --profile path.` });
      return;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      errors.push({ field: '(profile)', message: `The profile file ${path} cannot be read (${err instanceof Error ? err.message : String(err)}).` });
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      errors.push({ field: '(profile)', message: `The profile file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (!isPlainObject(data)) {
      errors.push({ field: '(profile)', message: `The profile file ${path} must contain a JSON object.` });
      return;
    }
    layers.push({ source: path, data });
  };
  for (const p of optional) read(p, false);
  for (const p of required) read(p, true);
  return { layers, errors };
}

/** Field-by-field merge of the layers; `locked` lists are united so a per-user file cannot unlock what the system file locked. */
export function mergeLayers(layers: readonly ProfileLayer[]): { merged: PlainObject; locked: string[] } {
  let merged: PlainObject = {};
  const locked = new Set<string>();
  for (const layer of layers) {
    const { locked: l, ...rest } = layer.data;
    if (Array.isArray(l)) for (const p of l) if (typeof p === 'string' && p) locked.add(p);
    merged = deepMerge(merged, rest);
  }
  return { merged, locked: [...locked] };
}
