// The one apache-arrow copy storage builds schemas with: the package's CommonJS build, the copy LanceDB (CommonJS) loads itself.
import type * as Arrow from 'apache-arrow';
import { createRequire } from 'node:module';

// Importing the package's ESM build as well would load a second copy, ~0.3 s of start-up CPU in every
// command that opens a library (and two sets of classes LanceDB may not recognise as its own).
export const { Bool, Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } = createRequire(import.meta.url)('apache-arrow') as typeof Arrow;
export type Schema = Arrow.Schema;
