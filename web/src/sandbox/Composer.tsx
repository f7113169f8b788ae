/**
 * The compose box: type and press Enter (Shift+Enter for a new line), attach
 * one file or several (an album), reply to a message or edit one's own.
 */
import { useEffect, useRef, useState } from 'react';
import type { ChatMessage } from './api.js';
import { AttachIcon, CloseIcon, SendIcon } from './icons.js';
import { preview } from './MessageList.js';
import type { Translate } from './strings.js';

export interface ComposerProps {
  t: Translate;
  replyTo: ChatMessage | null;
  editing: ChatMessage | null;
  onCancel(): void;
  /** Sends text and/or files; resolves when the emulator took them. */
  onSend(input: { text: string; files: File[] }): Promise<void>;
  onEdit(message: ChatMessage, text: string): Promise<void>;
  disabled?: boolean;
  testId: string;
}

export function Composer({ t, replyTo, editing, onCancel, onSend, onEdit, disabled, testId }: ComposerProps) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) setText(editing.text ?? editing.caption ?? '');
    if (editing || replyTo) input.current?.focus();
  }, [editing, replyTo]);

  const submit = async () => {
    if (busy) return;
    if (!editing && !text.trim() && files.length === 0) return;
    setBusy(true);
    try {
      if (editing) await onEdit(editing, text);
      else await onSend({ text, files });
      setText('');
      setFiles([]);
      onCancel();
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const context = editing ?? replyTo;
  return (
    <div className="sbx-composer" data-testid={testId}>
      {context && (
        <div className="sbx-context">
          <div>
            <div className="sbx-quote-author">{editing ? t('editing') : `${t('replyTo')} ${replyTo?.from?.name ?? ''}`}</div>
            <div className="sbx-quote-text">{preview(context, t)}</div>
          </div>
          <button
            type="button"
            className="sbx-icon"
            aria-label={t('cancel')}
            onClick={() => {
              if (editing) setText('');
              onCancel();
            }}
          >
            <CloseIcon />
          </button>
        </div>
      )}
      {files.length > 0 && (
        <div className="sbx-files">
          {files.map((file, i) => (
            <span key={`${file.name}-${i}`} className="sbx-chip">
              {file.name}
              <button type="button" className="sbx-icon" aria-label={t('cancel')} onClick={() => setFiles(files.filter((_, j) => j !== i))}>
                <CloseIcon />
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="sbx-compose-row">
        <button type="button" className="sbx-icon sbx-attach" aria-label={t('attach')} title={t('attach')} disabled={disabled || !!editing} onClick={() => picker.current?.click()}>
          <AttachIcon />
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid={`${testId}-files`}
          onChange={(e) => {
            const picked = [...(e.currentTarget.files ?? [])];
            setFiles((current) => [...current, ...picked].slice(0, 10));
            e.currentTarget.value = '';
          }}
        />
        <textarea
          ref={input}
          rows={1}
          value={text}
          disabled={disabled}
          placeholder={t('message')}
          aria-label={t('message')}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            } else if (e.key === 'Escape') {
              onCancel();
            }
          }}
        />
        <button type="button" className="sbx-send" aria-label={t('send')} title={t('send')} disabled={disabled || busy} onClick={() => void submit()}>
          <SendIcon />
        </button>
      </div>
    </div>
  );
}
