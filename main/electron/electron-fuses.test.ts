// The packaging config flips the Electron fuses the app relies on ([Note: Electron hardening]). The
// packaged binary cannot be built here (no Electron binary), so this reads the config that builds it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../core/models/model-catalog.ts';

/** The `key: true|false` lines of one top-level YAML section (a flat map, as electron-builder.yml writes it). */
function flatSection(yaml: string, name: string): Record<string, boolean> {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => line.trimEnd() === `${name}:`);
  if (start < 0) return {};
  const section: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const match = /^\s+(\w+):\s*(true|false)\s*$/.exec(line);
    if (match) section[match[1]!] = match[2] === 'true';
  }
  return section;
}

describe('electron-builder.yml', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and loads only an integrity-checked app.asar', async () => {
    const yaml = await fs.readFile(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8');
    expect(flatSection(yaml, 'electronFuses')).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(yaml).toMatch(/^asar: true$/m);
  });
});
