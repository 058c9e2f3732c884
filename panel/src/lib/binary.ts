/**
 * Finds the binary attachments in a packet's args: the stream writes each Buffer as
 * `{ _binary: base64, size }` where the sender put it.
 */
export interface BinaryRef {
  /** Where in the args, `[2]` or `[1].file`. */
  path: string;
  base64: string;
  size: number;
}

export function isBinaryRef(v: unknown): v is { _binary: string; size: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { _binary?: unknown })._binary === 'string' &&
    typeof (v as { size?: unknown }).size === 'number'
  );
}

export function findBinaries(value: unknown, path = '', out: BinaryRef[] = [], depth = 0): BinaryRef[] {
  if (depth > 32 || out.length >= 64) return out;
  if (isBinaryRef(value)) {
    out.push({ path: path || '(args)', base64: value._binary, size: value.size });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findBinaries(v, `${path}[${i}]`, out, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) findBinaries(v, `${path}.${k}`, out, depth + 1);
  }
  return out;
}
