// Renderer entry: connects to the core (MessagePort in Electron, WebSocket in a browser) and mounts the app.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import StartupError from './lib/components/layout/StartupError.svelte';
import { connectPlatform } from './lib/platform/platform.ts';
import { AppState, appContext } from './lib/state/app.svelte.ts';

const target = document.getElementById('app')!;

try {
  const platform = await connectPlatform();
  const app = new AppState(platform);
  mount(App, { target, context: appContext(app) });
  await app.start();
} catch (error) {
  mount(StartupError, { target, props: { message: error instanceof Error ? error.message : String(error) } });
}
