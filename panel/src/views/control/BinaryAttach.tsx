/**
 * The composer's binary attachment: bytes from a file or typed as hex, appended to the args as one
 * more argument (the `{ "_binary", "size" }` placeholder the args editor shows and checks).
 */
import { useState } from 'react';
import { appendArg, binaryPlaceholder, parseHex } from '../../lib/binary-arg.js';

export function BinaryAttach({ argsText, onText }: { argsText: string; onText(text: string): void }) {
  const [hex, setHex] = useState('');
  const [error, setError] = useState<string>();
  const attach = (bytes: Uint8Array) => {
    const next = appendArg(argsText, binaryPlaceholder(bytes));
    if (next === undefined) return setError('fix the args first: they are not valid JSON');
    setError(undefined);
    onText(next);
  };
  const fromHex = () => {
    const parsed = parseHex(hex);
    if (!parsed.ok) return setError(`hex: ${parsed.error}`);
    attach(parsed.bytes);
    setHex('');
  };
  return (
    <div className="form-row binary-attach" data-testid="binary-attach">
      <span className="muted">binary arg:</span>
      <input
        value={hex}
        placeholder="hex, e.g. 01 02 ff"
        onChange={(e) => setHex(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) fromHex();
        }}
        data-testid="binary-hex"
      />
      <button className="btn" disabled={!hex.trim()} onClick={fromHex} data-testid="binary-hex-add">
        Add
      </button>
      <label className="btn file-btn">
        from a file…
        <input
          type="file"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void file.arrayBuffer().then((b) => attach(new Uint8Array(b)));
          }}
          data-testid="binary-file"
        />
      </label>
      {error && (
        <span className="args-error" role="alert" data-testid="binary-error">
          {error}
        </span>
      )}
    </div>
  );
}
