// Command line of the browser shell (the same flags `npm start` passes through):
//   --profile <file>  --no-open  --port <n> (0 = any free port)  --shell=browser  [tel:/sip:/callto: link]
import { findDialLinkInArgs, type DialTarget } from '../../shared/dial-target';

export interface ShellArgs {
  profilePath?: string;
  open: boolean;
  /** undefined: the default port (falling back to any free one). */
  port?: number;
  dial?: DialTarget;
  /** Flags we did not recognise (reported, not fatal: Electron-only flags may be passed through). */
  unknown: string[];
}

export class ShellArgsError extends Error {
  override name = 'ShellArgsError';
}

export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const out: ShellArgs = { open: true, unknown: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inlineValue ?? argv[++i];
      if (v === undefined || v === '') throw new ShellArgsError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--profile':
        out.profilePath = value();
        break;
      case '--no-open':
        out.open = false;
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ShellArgsError(`--port must be a number from 0 to 65535, not ${JSON.stringify(v)}`);
        out.port = n;
        break;
      }
      case '--shell': {
        const v = value();
        if (v !== 'browser' && v !== 'electron') throw new ShellArgsError(`--shell must be browser or electron, not ${JSON.stringify(v)}`);
        break;
      }
      default:
        if (arg.startsWith('-')) out.unknown.push(arg);
        else positional.push(arg);
    }
  }
  const dial = findDialLinkInArgs(positional);
  if (dial) out.dial = dial;
  else if (positional.length > 0) out.unknown.push(...positional);
  return out;
}
