/** Reading what a canvas drew, for the e2e tests of canvas views (the Timeline). */
import type { Page } from 'playwright-core';

/** The RGB of the canvas `testId` at page coordinates (x, y), at the device's pixel ratio. */
export async function canvasPixel(
  page: Page,
  testId: string,
  x: number,
  y: number,
): Promise<[number, number, number]> {
  return page.getByTestId(testId).evaluate(
    (el, p) => {
      const c = el as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const ratio = c.width / r.width;
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
        Math.round((p.x - r.left) * ratio),
        Math.round((p.y - r.top) * ratio),
        1,
        1,
      ).data;
      return [d[0], d[1], d[2]] as [number, number, number];
    },
    { x, y },
  );
}
