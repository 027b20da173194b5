// A minimal ustar writer: enough for a diagnostics archive of a few text files, readable by
// GNU tar, bsdtar, 7-Zip and Windows' built-in tar. No dependency for ~60 lines of format.

export interface TarEntry {
  /** Path inside the archive, "/"-separated, at most 100 bytes (we only write short names). */
  name: string;
  data: Buffer | string;
  mtime?: Date;
  mode?: number;
}

export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

const BLOCK = 512;

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new TarFormatError(`tar field too long: ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // length-1 octal digits then NUL, as ustar wants.
  const text = Math.floor(value).toString(8).padStart(length - 1, '0');
  if (text.length > length - 1) throw new TarFormatError(`tar numeric field overflow: ${value}`);
  writeString(header, offset, length, `${text}\0`);
}

function header(entry: TarEntry, size: number): Buffer {
  if (!entry.name || entry.name.startsWith('/') || entry.name.split('/').includes('..')) {
    throw new TarFormatError(`unsafe tar entry name: ${entry.name}`);
  }
  const h = Buffer.alloc(BLOCK, 0);
  writeString(h, 0, 100, entry.name);
  writeOctal(h, 100, 8, entry.mode ?? 0o644);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, Math.floor((entry.mtime ?? new Date()).getTime() / 1000));
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h.write('0', 156, 'ascii'); // regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, 'softphone');
  writeString(h, 297, 32, 'softphone');
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** Serialises entries into an uncompressed tar (two zero blocks at the end). */
export function createTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    parts.push(header(entry, data.length), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** Reads back what createTar writes (regular files only); used to verify an archive before it is kept. */
export function readTar(tar: Buffer): Array<{ name: string; data: Buffer }> {
  const out: Array<{ name: string; data: Buffer }> = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    offset += BLOCK;
    out.push({ name, data: Buffer.from(tar.subarray(offset, offset + size)) });
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
