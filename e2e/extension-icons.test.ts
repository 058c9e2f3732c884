/**
 * The extension's icons (drawn by extension/build/icons.mjs): Chrome registers one per size the
 * manifest names, and each decodes as an image of that size showing the icon, not a blank square.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchWithExtension, type ExtensionBrowser } from './support/extension.js';

let ext: ExtensionBrowser;

before(async () => {
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
});

test('Chrome has the 16, 32, 48 and 128 px icons, and each is the drawn icon', async () => {
  // What Chrome read from the manifest (management.getSelf needs no permission).
  const registered = await ext.worker.evaluate(async () => {
    type Self = { icons?: { size: number; url: string }[] };
    const chrome = (globalThis as unknown as { chrome: { management: { getSelf(): Promise<Self> } } }).chrome;
    return (await chrome.management.getSelf()).icons?.map((i) => i.size) ?? [];
  });
  assert.deepEqual(
    registered.sort((a, b) => a - b),
    [16, 32, 48, 128],
  );

  // Decoded in an extension page: the size, a transparent corner, the teal ground, a white arrow.
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/panel.html?tabId=-1`);
  for (const size of [16, 32, 48, 128]) {
    const seen = await page.evaluate(async (n) => {
      const img = new Image();
      img.src = `icons/icon-${n}.png`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = n;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(img, 0, 0);
      // The corner, the ground below the arrows, and a point on the upper arrow's shaft. (No helper
      // function: tsx would wrap it in a `__name` call the page does not have.)
      return {
        width: img.naturalWidth,
        height: img.naturalHeight,
        corner: [...ctx.getImageData(0, 0, 1, 1).data],
        ground: [...ctx.getImageData(Math.floor(n / 2), Math.floor(n * 0.9), 1, 1).data],
        arrow: [...ctx.getImageData(Math.floor(n * 0.45), Math.floor(n * 0.36), 1, 1).data],
      };
    }, size);
    assert.equal(seen.width, size);
    assert.equal(seen.height, size);
    assert.equal(seen.corner[3], 0, `${size}px: transparent corner`);
    assert.deepEqual(seen.ground, [0x13, 0x8a, 0x7e, 255], `${size}px: the ground`);
    assert.ok(
      (seen.arrow[0] ?? 0) > 200 && (seen.arrow[3] ?? 0) === 255,
      `${size}px: the arrow ${seen.arrow}`,
    );
  }
  await page.close();
});
