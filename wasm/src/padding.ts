/**
 * Padded copies for the correlation kernels (correlate.ts, disk.ts, snow.ts), as src/corruptions/border.ts padImage
 * makes them: padded row y, column x, channel ch is the image's value at rowAt[y] + colAt[x] + ch, where the
 * JavaScript fills rowAt (value offset of the source row, border by mode) and colAt (value offset of the source
 * column within its row). Interior columns are copied as one run.
 */

/**
 * pad (ph·pw·c doubles) from an HWC byte image: each byte v becomes levels[v] (256 doubles: v / 255 as image.ts UNIT
 * for toUnit, v for toFloat255), the same doubles as the JavaScript's conversion. Columns px .. px + w − 1 are the
 * image's own (colAt[px + x] = x·c).
 */
export function padFromBytes(
  inBytes: usize, levels: usize, pad: usize, rowAt: usize, colAt: usize, ph: i32, pw: i32, px: i32, w: i32, c: i32,
): void {
  let d = pad;
  const run = w * c;
  for (let y = 0; y < ph; y++) {
    const s = inBytes + <usize>load<i32>(rowAt + (<usize>y << 2));
    for (let x = 0; x < px; x++) d = pixelFromBytes(s + <usize>load<i32>(colAt + (<usize>x << 2)), levels, d, c);
    for (let k = 0; k < run; k++) {
      store<f64>(d, load<f64>(levels + (<usize>load<u8>(s + <usize>k) << 3)));
      d += 8;
    }
    for (let x = px + w; x < pw; x++) d = pixelFromBytes(s + <usize>load<i32>(colAt + (<usize>x << 2)), levels, d, c);
  }
}

// @ts-ignore: decorator
@inline function pixelFromBytes(s: usize, levels: usize, d: usize, c: i32): usize {
  for (let ch = 0; ch < c; ch++) {
    store<f64>(d, load<f64>(levels + (<usize>load<u8>(s + <usize>ch) << 3)));
    d += 8;
  }
  return d;
}

/** pad (ph·pw·c doubles) from an HWC double image src, same layout rules as padFromBytes. */
export function padFromDoubles(src: usize, pad: usize, rowAt: usize, colAt: usize, ph: i32, pw: i32, px: i32, w: i32, c: i32): void {
  let d = pad;
  const run = <usize>(w * c) << 3;
  for (let y = 0; y < ph; y++) {
    const s = src + (<usize>load<i32>(rowAt + (<usize>y << 2)) << 3);
    for (let x = 0; x < px; x++) d = pixelFromDoubles(s + (<usize>load<i32>(colAt + (<usize>x << 2)) << 3), d, c);
    memory.copy(d, s, run);
    d += run;
    for (let x = px + w; x < pw; x++) d = pixelFromDoubles(s + (<usize>load<i32>(colAt + (<usize>x << 2)) << 3), d, c);
  }
}

// @ts-ignore: decorator
@inline function pixelFromDoubles(s: usize, d: usize, c: i32): usize {
  for (let ch = 0; ch < c; ch++) {
    store<f64>(d, load<f64>(s + (<usize>ch << 3)));
    d += 8;
  }
  return d;
}
