/**
 * The args of an event as JSON, checked as the person types: the error (invalid JSON, not an array,
 * a malformed `{ "_binary": base64, "size": N }` attachment) shows under the text at once, and the
 * parent gets the parsed args or undefined.
 */
import { parseArgs } from '../../lib/args-json.js';

export interface ArgsEditorProps {
  text: string;
  onText(text: string): void;
  rows?: number;
  testId?: string;
}

export function ArgsEditor({ text, onText, rows = 5, testId = 'args-editor' }: ArgsEditorProps) {
  const parsed = parseArgs(text);
  return (
    <div className="args-editor">
      <textarea
        className={`mono${parsed.ok ? '' : ' invalid'}`}
        value={text}
        rows={rows}
        spellCheck={false}
        aria-invalid={!parsed.ok}
        onChange={(e) => onText(e.target.value)}
        data-testid={testId}
      />
      {parsed.ok ? (
        <div className="args-hint muted">
          {parsed.args.length} arg{parsed.args.length === 1 ? '' : 's'} · binary as{' '}
          <code>{'{ "_binary": base64, "size": N }'}</code>
        </div>
      ) : (
        <div className="args-error" role="alert" data-testid={`${testId}-error`}>
          {parsed.error}
        </div>
      )}
    </div>
  );
}
