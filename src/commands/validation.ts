/**
 * Several field mistakes at once: a form shows each message beside its
 * field. The first one is also the error's message (and `field`), so code
 * that knows only `ValidationError` still shows something sensible.
 */
import { ValidationError } from './context.js';

export class FieldErrors extends ValidationError {
  constructor(readonly fields: Record<string, string>) {
    const [field, message] = Object.entries(fields)[0] ?? ['', 'Проверьте поля формы'];
    super(message, field);
    this.name = 'FieldErrors';
  }
}

/** Collects field messages; `throwIfAny()` ends validation with all of them. */
export class FieldErrorCollector {
  readonly fields: Record<string, string> = {};

  add(field: string, message: string | null | undefined): void {
    if (message && !(field in this.fields)) this.fields[field] = message;
  }

  get empty(): boolean {
    return Object.keys(this.fields).length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw new FieldErrors(this.fields);
  }
}
