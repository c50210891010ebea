// The demo album `photobind demo` and the app's "Open the demo album" both render (no sharp here: cheap to import).

/** The same photos everywhere: count and world seed. */
export const DEMO_ALBUM = { count: 300, seed: 7 } as const;
