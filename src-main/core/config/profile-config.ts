// The agent's effective profile: IT's provisioning layers (system, per-user, --profile) or,
// once the agent saved the settings screen, their settings — with every `locked` field forced
// back to IT's value. The password never enters settings.json: it lives in the SecretStore.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateProfile } from '../../../shared/profile';
import type { FieldError, Profile, ProfileStatus, ProfileView } from '../../../shared/types';
import type { Logger } from '../log/logger';
import { writeFileAtomic } from './atomic-file';
import { getPath, isInside, isPlainObject, sameJson, setPath, type PlainObject } from './object-path';
import { mergeLayers, readProfileLayers } from './provisioning';
import type { SecretStore } from './secret-store';

export const SETTINGS_FILE = 'settings.json';
export const PASSWORD_KEY = 'sip.password';

export interface ProfileConfigOptions {
  dataDir: string;
  /** --profile: loaded after the provisioning locations, wins over them field by field. */
  profilePath?: string;
  /** Provisioning locations in order (system-wide first). */
  provisioningPaths: readonly string[];
  secretStore: SecretStore;
  /** Every password the config learns is registered here so no log line can carry it. */
  addSecret: (secret: string) => void;
  log: Logger;
}

export interface LoadedProfile {
  status: ProfileStatus;
  /** The validated profile with its password, when the app can register. */
  profile?: Profile;
}

/** `warning`: saved, but something the agent should know (the password is kept for this session only). */
export type SaveResult = { ok: true; loaded: LoadedProfile; warning?: string } | { ok: false; error: string; fieldErrors: FieldError[] };

export class ProfileConfig {
  readonly #opts: ProfileConfigOptions;
  readonly #settingsPath: string;
  #provisioned: PlainObject = {};
  #provisionedSources: string[] = [];
  #locked: string[] = [];
  #readErrors: FieldError[] = [];
  /** A password the secret store refused to keep; used until the app quits. */
  #sessionPassword: string | undefined;
  #current: LoadedProfile = { status: { configured: false, hasPassword: false, locked: [], errors: [] } };

  constructor(options: ProfileConfigOptions) {
    this.#opts = options;
    this.#settingsPath = join(options.dataDir, SETTINGS_FILE);
  }

  get current(): LoadedProfile {
    return this.#current;
  }

  /** (Re)reads every layer from disk. */
  async load(): Promise<LoadedProfile> {
    const { layers, errors } = readProfileLayers(this.#opts.provisioningPaths, this.#opts.profilePath ? [this.#opts.profilePath] : []);
    const { merged, locked } = mergeLayers(layers);
    this.#provisioned = merged;
    this.#provisionedSources = layers.map((l) => l.source);
    this.#locked = locked;
    this.#readErrors = errors;
    const settings = this.#readSettings();
    const base = settings ? this.#applyLocked(settings) : this.#provisioned;
    const source = settings ? `settings (${this.#settingsPath})` : this.#provisionedSources.join(', ') || undefined;
    this.#current = await this.#evaluate(base, source);
    for (const e of this.#current.status.errors) this.#opts.log.warn(`profile: ${e.message}`);
    return this.#current;
  }

  /** The settings screen's save: refuses locked changes, validates the whole result, then writes settings.json and the password. */
  async save(input: unknown): Promise<SaveResult> {
    if (!isPlainObject(input)) {
      return { ok: false, error: 'The settings could not be saved: the profile must be an object.', fieldErrors: [{ field: '(profile)', message: 'the profile must be a JSON object' }] };
    }
    const { locked: _ignored, ...rest } = input;
    const submitted = dropBlanks(rest);
    const newPassword = getPath(submitted, PASSWORD_KEY);
    const withoutPassword = setPath(submitted, PASSWORD_KEY, undefined);

    const fieldErrors: FieldError[] = [];
    const itValues = setPath(this.#provisioned, PASSWORD_KEY, undefined);
    for (const path of this.#locked) {
      const wanted = getPath(withoutPassword, path);
      if (wanted !== undefined && !sameJson(wanted, getPath(itValues, path))) {
        fieldErrors.push({ field: path, message: `${path}: is set by your IT department and cannot be changed here` });
      }
    }
    if (typeof newPassword === 'string' && this.#passwordLocked()) {
      fieldErrors.push({ field: PASSWORD_KEY, message: `${PASSWORD_KEY}: is set by your IT department and cannot be changed here` });
    }
    if (newPassword !== undefined && typeof newPassword !== 'string') {
      fieldErrors.push({ field: PASSWORD_KEY, message: `${PASSWORD_KEY}: must be text` });
    }
    if (fieldErrors.length > 0) {
      return { ok: false, error: `The settings were not saved: ${fieldErrors.map((e) => e.message).join('; ')}`, fieldErrors };
    }

    const candidate = this.#applyLocked(withoutPassword);
    const password = typeof newPassword === 'string' && newPassword !== '' ? newPassword : undefined;
    if (password) this.#opts.addSecret(password);
    const validation = validateProfile(await this.#withPassword(candidate, password));
    if (validation.errors.length > 0) {
      return { ok: false, error: `The settings were not saved: ${validation.errors.map((e) => e.message).join('; ')}`, fieldErrors: validation.errors };
    }

    try {
      this.#writeSettings(candidate);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      return { ok: false, error: `The settings could not be written to ${this.#opts.dataDir} (${msg}); check that the folder is writable.`, fieldErrors: [] };
    }
    let warning: string | undefined;
    if (password) {
      try {
        await this.#opts.secretStore.set(PASSWORD_KEY, password);
      } catch (err) {
        // The settings are saved; only the password could not be kept (e.g. no OS keyring).
        // The store keeps it for this session, so the agent can work now and is told why
        // they will be asked again.
        warning = err instanceof Error ? err.message : String(err);
        this.#sessionPassword = password;
        this.#opts.log.warn(`password not stored: ${warning}`);
      }
    }
    // Problems reading the files the saved settings now replace (a missing --profile, a damaged settings.json) no longer apply.
    this.#readErrors = [];
    this.#current = await this.#evaluate(candidate, `settings (${this.#settingsPath})`);
    this.#opts.log.info('settings saved', { fields: Object.keys(candidate) });
    return warning ? { ok: true, loaded: this.#current, warning } : { ok: true, loaded: this.#current };
  }

  /** Locked fields always carry IT's value, whatever the agent's settings say. */
  #applyLocked(values: PlainObject): PlainObject {
    let out = values;
    for (const path of this.#locked) out = setPath(out, path, getPath(this.#provisioned, path));
    return out;
  }

  #passwordLocked(): boolean {
    return this.#locked.some((p) => isInside(PASSWORD_KEY, p));
  }

  async #withPassword(values: PlainObject, newPassword?: string): Promise<PlainObject> {
    const itPassword = getPath(this.#provisioned, PASSWORD_KEY);
    let password: unknown;
    if (this.#passwordLocked()) password = itPassword;
    else password = newPassword ?? (await this.#storedPassword()) ?? itPassword;
    if (typeof password === 'string' && password) this.#opts.addSecret(password);
    return password === undefined ? values : setPath(values, PASSWORD_KEY, password);
  }

  async #storedPassword(): Promise<string | undefined> {
    if (this.#sessionPassword) return this.#sessionPassword;
    try {
      return await this.#opts.secretStore.get(PASSWORD_KEY);
    } catch (err) {
      this.#opts.log.error('stored password unavailable', err);
      return undefined;
    }
  }

  async #evaluate(values: PlainObject, source: string | undefined): Promise<LoadedProfile> {
    const full = await this.#withPassword(values);
    const password = getPath(full, PASSWORD_KEY);
    const hasPassword = typeof password === 'string' && password.length > 0;
    // Nothing read (fresh install, or every file unreadable): the read errors, if any, say
    // why; validating the empty object would add a misleading "sip: is required".
    const validation = Object.keys(values).length === 0 ? { errors: [] as FieldError[] } : validateProfile(full);
    const errors = [...this.#readErrors, ...validation.errors];
    const view = toView(values);
    const status: ProfileStatus = {
      configured: errors.length === 0 && validation.profile !== undefined,
      hasPassword,
      locked: [...this.#locked],
      errors,
      ...(source ? { source } : {}),
      ...(view ? { values: view } : {}),
    };
    return validation.profile && errors.length === 0 ? { status, profile: validation.profile } : { status };
  }

  #readSettings(): PlainObject | undefined {
    if (!existsSync(this.#settingsPath)) return undefined;
    try {
      const data: unknown = JSON.parse(readFileSync(this.#settingsPath, 'utf8'));
      if (isPlainObject(data)) return data;
      this.#readErrors.push({ field: '(profile)', message: `Saved settings in ${this.#settingsPath} are not a JSON object; save the settings again.` });
    } catch (err) {
      this.#readErrors.push({ field: '(profile)', message: `Saved settings in ${this.#settingsPath} cannot be read (${err instanceof Error ? err.message : String(err)}); save the settings again.` });
    }
    return undefined;
  }

  #writeSettings(values: PlainObject): void {
    // Belt and braces: whatever path put it there, a password never reaches settings.json.
    const clean = setPath(values, PASSWORD_KEY, undefined);
    writeFileAtomic(this.#settingsPath, `${JSON.stringify(clean, null, 2)}\n`);
  }
}

function toView(values: PlainObject): ProfileView | undefined {
  const noPassword = setPath(values, PASSWORD_KEY, undefined);
  if (!isPlainObject(noPassword.sip)) return Object.keys(noPassword).length ? ({ ...noPassword, sip: { uri: '' } } as ProfileView) : undefined;
  return noPassword as ProfileView;
}

/** A blank optional field in the settings form means "not set", not "set to the empty string". */
function dropBlanks(values: PlainObject): PlainObject {
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === '' || value === null) continue;
    out[key] = isPlainObject(value) ? dropBlanks(value) : value;
  }
  return out;
}
