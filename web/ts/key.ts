// The API key of this tab: asked for once when the service answers 401, kept in sessionStorage only
// (never localStorage, never a URL), asked for again when the service refuses it.
const STORAGE_KEY = 'service-import.apiKey';

let pending: Promise<string> | null = null;

export function currentKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  updateForgetButton();
}

export function updateForgetButton(): void {
  const button = document.getElementById('forget-key');
  if (button) button.hidden = currentKey() === null;
}

/** Shows the key dialog (once, however many requests were refused at the same time). */
export function askForKey(refused: boolean): Promise<string> {
  pending ??= new Promise<string>((resolve) => {
    const dialog = document.getElementById('key-dialog') as HTMLDialogElement;
    const form = document.getElementById('key-form') as HTMLFormElement;
    const input = document.getElementById('key-input') as HTMLInputElement;
    const error = document.getElementById('key-error') as HTMLElement;
    error.hidden = !refused;
    error.textContent = refused ? 'The service refused that key (401). Check it and try again.' : '';
    input.value = '';
    const onCancel = (event: Event) => event.preventDefault(); // Escape: the page cannot work without a key
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      sessionStorage.setItem(STORAGE_KEY, key);
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      pending = null;
      updateForgetButton();
      resolve(key);
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  return pending;
}
