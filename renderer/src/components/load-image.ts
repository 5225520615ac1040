/** An image element once loaded, for drawing onto a canvas. */
export function loadImage(url: string, failure: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    // In Electron the image comes from another origin (myriad-blob:); CORS keeps the canvas readable.
    img.crossOrigin = 'anonymous';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(failure));
    img.src = url;
  });
}
