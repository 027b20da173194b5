// "Start at login". macOS and Windows have app.setLoginItemSettings; on Linux Electron has no
// such API, so we write (or remove) an XDG autostart entry, which every desktop honours.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AUTOSTART_FILE = 'agent-softphone.desktop';
/** The app starts in the tray, without stealing focus at login. */
export const HIDDEN_ARG = '--hidden';

function quoteExec(arg: string): string {
  // Desktop Entry spec: quote args with reserved characters; escape " ` $ \ inside quotes.
  return /^[A-Za-z0-9_\-./=:+,@]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function linuxAutostartEntry(execPath: string, name = 'Agent Softphone'): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    `Exec=${quoteExec(execPath)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LoginItemDeps {
  platform: string;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  /** $XDG_CONFIG_HOME or ~/.config */
  configDir: string;
  /** The AppImage path ($APPIMAGE) when running from one, else process.execPath. */
  execPath: string;
}

export function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): void {
  if (deps.platform === 'linux') {
    const dir = join(deps.configDir, 'autostart');
    const file = join(dir, AUTOSTART_FILE);
    if (enabled) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, linuxAutostartEntry(deps.execPath));
    } else if (existsSync(file)) {
      rmSync(file);
    }
    return;
  }
  deps.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
}
