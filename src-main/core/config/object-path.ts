// Dotted-path access on plain JSON objects, for profile layers and `locked` field paths.

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) is replaced by the later value. */
export function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

export function getPath(obj: PlainObject, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Sets (or with `undefined`, removes) the value at `path`, creating objects on the way. Returns a copy. */
export function setPath(obj: PlainObject, path: string, value: unknown): PlainObject {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return obj;
  const out: PlainObject = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const child = isPlainObject(out[head]) ? (out[head] as PlainObject) : {};
  if (value === undefined && !isPlainObject(out[head])) return out;
  out[head] = setPath(child, rest.join('.'), value);
  return out;
}

/** True when `field` is `lockedPath` itself or lies inside it ("sip.uri" is inside "sip"). */
export function isInside(field: string, lockedPath: string): boolean {
  return field === lockedPath || field.startsWith(`${lockedPath}.`);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
}

/** Deep equality of JSON values, independent of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
