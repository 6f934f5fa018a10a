import sharp from 'sharp';

/**
 * A synthetic 16-bit radiograph: a weld-like bright band across a dark
 * gradient, with a few darker round "porosity" indications in the band.
 * Real radiographs of this size are not in ../shared/data.
 */
export async function writeRadiograph16(file: string, width = 8000, height = 2000): Promise<void> {
  const px = new Uint16Array(width * height);
  const pores = [
    [1200, 1000, 18], [3900, 980, 26], [4000, 1040, 12], [6500, 1010, 30],
  ] as const;
  for (let y = 0; y < height; y++) {
    const band = Math.exp(-(((y - height / 2) / (height / 6)) ** 2));
    for (let x = 0; x < width; x++) {
      let v = 8000 + (x / width) * 6000 + band * 30000 + ((x * 7 + y * 13) % 97) * 20;
      for (const [cx, cy, r] of pores) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) v -= 12000;
      px[y * width + x] = Math.max(0, Math.min(65535, Math.round(v)));
    }
  }
  await sharp(Buffer.from(px.buffer), { raw: { width, height, channels: 1, premultiplied: false } })
    .toColourspace('grey16')
    .tiff({ compression: 'deflate' })
    .toFile(file);
}
