// Tests visual chat through the committed toy VQA model: answers, token streaming, abort.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVisualChat, type VisualChat } from './ask.inference.ts';
import type { RawImageLike } from './model-folder.ts';
import { TOY_MODELS, renderPixels } from './toy-scenes.test-helper.ts';

let chat: VisualChat;
let scene: RawImageLike;
beforeAll(async () => {
  chat = await createVisualChat({ folder: path.join(TOY_MODELS, 'toy-vqa'), threads: 2 });
  scene = await renderPixels(
    { setting: 'street', time: 'night', objects: [{ kind: 'car', color: 'yellow', count: 1 }, { kind: 'dog', color: 'black', count: 2 }] },
    41,
  );
});

describe('createVisualChat', () => {
  it('answers where and when the photo was taken', async () => {
    expect(await chat.ask(scene, [{ role: 'user', content: 'where was this photo taken?' }])).toBe('street');
    expect(await chat.ask(scene, [{ role: 'user', content: 'is it day or night?' }])).toBe('night');
  });

  it('answers what colour the car is, how many dogs there are, and whether there is a boat', async () => {
    expect(await chat.ask(scene, [{ role: 'user', content: 'what color is the car?' }])).toBe('yellow');
    expect(await chat.ask(scene, [{ role: 'user', content: 'how many dogs are there?' }])).toBe('two');
    expect(await chat.ask(scene, [{ role: 'user', content: 'is there a boat?' }])).toBe('no');
  });

  it('keeps answering in a multi-turn conversation, object questions included', async () => {
    expect(await chat.ask(scene, [
      { role: 'user', content: 'where was this photo taken?' },
      { role: 'assistant', content: 'street' },
      { role: 'user', content: 'what color is the car?' },
    ])).toBe('yellow');
    const answer = await chat.ask(scene, [
      { role: 'user', content: 'is it day or night?' },
      { role: 'assistant', content: 'night' },
      { role: 'user', content: 'where was this photo taken?' },
    ]);
    expect(answer).toBe('street');
  });

  it('streams the answer token by token, the pieces adding up to the answer', async () => {
    const pieces: string[] = [];
    const answer = await chat.ask(scene, [{ role: 'user', content: 'describe this photo.' }], { onToken: (t) => pieces.push(t) });
    expect(answer).toMatch(/\bat night\b/);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe(answer);
  });

  it('stops promptly when the signal aborts, resolving with the text so far', async () => {
    const full = await chat.ask(scene, [{ role: 'user', content: 'describe this photo.' }]);
    const controller = new AbortController();
    let pieces = 0;
    const partial = await chat.ask(scene, [{ role: 'user', content: 'describe this photo.' }], {
      signal: controller.signal,
      onToken: () => {
        if (++pieces === 2) controller.abort();
      },
    });
    expect(pieces).toBe(2);
    expect(full.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(full.length);
    const aborted = new AbortController();
    aborted.abort();
    expect(await chat.ask(scene, [{ role: 'user', content: 'what color is the car?' }], { signal: aborted.signal })).toBe('');
  });

  it('refuses a conversation that does not end with the user', async () => {
    await expect(chat.ask(scene, [{ role: 'assistant', content: 'hello' }])).rejects.toThrow(/end with a user message/);
  });
});

describe('a LLaVA folder without processor_config.json (as onnx-community/nanoLLaVA-1.5 is published)', () => {
  it('counts the image features itself and answers as with the file', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-vqa-no-processor-config-'));
    try {
      await fs.cp(path.join(TOY_MODELS, 'toy-vqa'), folder, { recursive: true });
      await fs.rm(path.join(folder, 'processor_config.json'));
      const without = await createVisualChat({ folder, threads: 2 });
      for (const question of ['where was this photo taken?', 'what color is the car?', 'how many dogs are there?']) {
        const asked = [{ role: 'user' as const, content: question }];
        expect(await without.ask(scene, asked), question).toBe(await chat.ask(scene, asked));
      }
      const pieces: string[] = [];
      const answer = await without.ask(scene, [{ role: 'user', content: 'describe this photo.' }], { onToken: (t) => pieces.push(t) });
      expect(answer).toMatch(/\bat night\b/);
      expect(pieces.join('')).toBe(answer);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});
