// The small contract between Electron's main process and the core host (utility process): what main
// needs from the core that is not the renderer's business — where a media URL's file is, whether a path
// is a library photo.
import { z } from 'zod';
import { defineContract, method } from '../../common/api/contract-kit.ts';

export const coreHostApi = defineContract({
  methods: {
    media: {
      resolve: method(
        z.object({ kind: z.enum(['photo', 'thumb', 'video', 'preview', 'motion']), contentHash: z.string().regex(/^[0-9a-f]{16,128}$/) }),
        z.object({ media: z.object({ file: z.string(), contentType: z.string() }).nullable() }),
        'The library file behind a media URL, or null when the hash is not in the library.',
      ),
      isLibraryPhoto: method(
        z.object({ path: z.string().min(1).max(4096) }),
        z.object({ known: z.boolean() }),
        'Whether a path is a photo of the library (main shows only those in the file manager).',
      ),
    },
  },
  events: {},
});

/**
 * What main sends the core host, with a MessagePort, over the utility process's parent port. A renderer
 * port names its window (webContents id): a new port for the same window (a reload) replaces the old one.
 */
export const PortKindSchema = z.object({ connect: z.enum(['renderer', 'host']), window: z.number().int().optional() });
export type PortKind = z.infer<typeof PortKindSchema>['connect'];
/** Sent (without a port) when a window is closed: its renderer port is closed in the core host too. */
export const WindowClosedSchema = z.object({ windowClosed: z.number().int() });
