// Types of bin/malloc-tuning.js (plain JavaScript: it runs before TypeScript can be loaded).
export declare const MALLOC_TUNING: Readonly<Record<'MALLOC_ARENA_MAX' | 'MALLOC_TRIM_THRESHOLD_' | 'MALLOC_MMAP_THRESHOLD_', string>>;
export declare const TUNED_MARK: 'PHOTOBIND_MALLOC_TUNED';
export declare function wantsMallocTuning(argv: readonly string[], env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean;
export declare function coreEnvironment(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): NodeJS.ProcessEnv;
export declare function withoutMallocTuning(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function relaunchWithMallocTuning(script: string, argv: readonly string[]): Promise<never>;
export declare function followLauncher(): void;
