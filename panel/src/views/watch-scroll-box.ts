/**
 * Calls `read` now, on every scroll of `el` and whenever its size changes: what a virtualised view
 * needs to know which rows are in sight. Returns the cleanup, for a layout effect to return.
 */
export function watchScrollBox(el: HTMLElement, read: () => void): () => void {
  read();
  const resize = new ResizeObserver(read);
  resize.observe(el);
  el.addEventListener('scroll', read, { passive: true });
  return () => {
    resize.disconnect();
    el.removeEventListener('scroll', read);
  };
}
