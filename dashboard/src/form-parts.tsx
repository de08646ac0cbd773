/** Small pieces the editing pages share (accounts, schedules, webhooks, tokens, files). */

/** The value of the input or select an event came from. */
export const valueOf = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
export const checkedOf = (e: Event) => (e.currentTarget as HTMLInputElement).checked;

/** What the last action did, announced to screen readers; nothing when there is nothing to say. */
export function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** A form's submit and cancel buttons. */
export function FormButtons({ save, cancel, busy, onCancel }: { save: string; cancel: string; busy: boolean; onCancel(): void }) {
  return (
    <div class="actions">
      <button type="submit" disabled={busy}>
        {save}
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        {cancel}
      </button>
    </div>
  );
}
