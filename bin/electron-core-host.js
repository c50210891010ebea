// Entry of the Electron utility process that hosts the core: loads the TypeScript core host through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../main/electron/core-host.ts');
