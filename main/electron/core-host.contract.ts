// The small contract between Electron's main process and the core host (utility process): what main
// needs from the core that is not the renderer's business — where a media URL's file is.
import { z } from 'zod';
import { defineContract, method } from '../../common/api/contract-kit.ts';

export const coreHostApi = defineContract({
  methods: {
    media: {
      resolve: method(
        z.object({ kind: z.enum(['photo', 'thumb']), contentHash: z.string().regex(/^[0-9a-f]{16,128}$/) }),
        z.object({ media: z.object({ file: z.string(), contentType: z.string() }).nullable() }),
        'The library file behind a media URL, or null when the hash is not in the library.',
      ),
    },
  },
  events: {},
});

/** What main sends the core host, with a MessagePort, over the utility process's parent port. */
export const PortKindSchema = z.object({ connect: z.enum(['renderer', 'host']) });
export type PortKind = z.infer<typeof PortKindSchema>['connect'];
