// Theme state: follows the system (prefers-color-scheme) unless the user picks light or dark.
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'photobind.theme';

export class ThemeState {
  choice = $state<ThemeChoice>('system');
  private systemDark = $state(false);
  readonly resolved = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);

  constructor() {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'light' || stored === 'dark' || stored === 'system') this.choice = stored;
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.systemDark = query.matches;
    query.addEventListener('change', (event) => (this.systemDark = event.matches));
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    localStorage.setItem(STORAGE_KEY, choice);
  }

  /** The header's toggle: flips between light and dark. */
  toggle(): void {
    this.set(this.resolved === 'dark' ? 'light' : 'dark');
  }
}
