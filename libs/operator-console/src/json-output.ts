/**
 * `--json` output: a reply in protobuf's JSON mapping (camelCase names, 64-bit integers as strings,
 * enums by name, timestamps as RFC 3339), but with every field present. The generated `toJSON`
 * leaves out fields holding their default (a lag of 0, a flow that is not paused), which would
 * make `jq .lag` answer null exactly when the answer is 0; here those fields come back with their
 * default value, so scripts see the same shape every time.
 */
interface ToJson<T> {
  toJSON(message: T): unknown;
}

/** A message value as JSON data without the mapping's names: bigint as string, Date as ISO text. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** `mapped` wins wherever it has a value; `defaults` fills in what it left out. */
function fill(mapped: unknown, defaults: unknown): unknown {
  if (mapped === undefined) return defaults;
  if (Array.isArray(mapped) && Array.isArray(defaults)) return mapped.map((m, i) => fill(m, defaults[i]));
  if (mapped !== null && typeof mapped === 'object' && defaults !== null && typeof defaults === 'object' && !Array.isArray(defaults)) {
    const result: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(defaults), ...Object.keys(mapped)])) {
      result[key] = fill((mapped as Record<string, unknown>)[key], (defaults as Record<string, unknown>)[key]);
    }
    return result;
  }
  return mapped;
}

export function protoJson<T>(message: ToJson<T>, value: T): unknown {
  return fill(message.toJSON(value), plain(value));
}
