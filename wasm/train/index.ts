/**
 * The training step's fused kernels for tfjs's wasm backend, in WebAssembly SIMD (built to wasm/train-kernels.wasm
 * by `npm run build:wasm`). This module imports the tfjs wasm backend's own memory: every pointer is a byte offset
 * of a tensor (or of scratch the caller allocated) in that memory, so no data is copied in or out. It must have no
 * static data and allocate nothing (`--runtime stub`, no strings, no arrays): a data segment would be written over
 * the backend's memory when the module is instantiated (a test checks the binary has none).
 *
 * float32 throughout, 4 lanes; WebAssembly has no fused multiply-add, so each lane rounds as scalar float32 code.
 */

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** Horizontal sum of 4 lanes, in the order (0 + 1) + (2 + 3). */
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** y = ReLU(x) over n floats. */
function reluRow(x: usize, y: usize, n: i32): void {
  const zero = splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    const v = v128.load(x + o);
    v128.store(y + o, v128.and(v, f32x4.gt(v, zero))); // NaN → 0
  }
  for (; j < n; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    store<f32>(y + (<usize>j << 2), v > 0 ? v : 0);
  }
}

/** Sift entry `from` of a k-entry min-heap at h down to its place. */
function siftDown(h: usize, k: i32, from: i32): void {
  let i = from;
  const v = load<f32>(h + (<usize>i << 2));
  while (true) {
    let c = 2 * i + 1;
    if (c >= k) break;
    let cv = load<f32>(h + (<usize>c << 2));
    if (c + 1 < k) {
      const rv = load<f32>(h + (<usize>(c + 1) << 2));
      if (rv < cv) {
        c++;
        cv = rv;
      }
    }
    if (cv >= v) break;
    store<f32>(h + (<usize>i << 2), cv);
    i = c;
  }
  store<f32>(h + (<usize>i << 2), v);
}

/** The k-th largest of the n non-negative floats at y (0 < k < n), with a k-entry min-heap at h. */
function kthLargest(y: usize, n: i32, k: i32, h: usize): f32 {
  memory.copy(h, y, <usize>k << 2);
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(h, k, i); // heapify
  let j = k;
  // Scalar up to a multiple of 4, then 4 at a time, skipping blocks with nothing above the current minimum.
  for (; j < n && (j & 3) != 0; j++) {
    const v = load<f32>(y + (<usize>j << 2));
    if (v > load<f32>(h)) {
      store<f32>(h, v);
      siftDown(h, k, 0);
    }
  }
  for (; j + 4 <= n; j += 4) {
    const b = v128.load(y + (<usize>j << 2));
    if (!v128.any_true(f32x4.gt(b, splat(load<f32>(h))))) continue;
    for (let q = 0; q < 4; q++) {
      const v = load<f32>(y + (<usize>(j + q) << 2));
      if (v > load<f32>(h)) {
        store<f32>(h, v);
        siftDown(h, k, 0);
      }
    }
  }
  for (; j < n; j++) {
    const v = load<f32>(y + (<usize>j << 2));
    if (v > load<f32>(h)) {
      store<f32>(h, v);
      siftDown(h, k, 0);
    }
  }
  return load<f32>(h);
}

/**
 * x, y [t, d]: y = ReLU(x) with, when 0 < k < d, every entry below its row's k-th largest ReLU value zeroed
 * (entries equal to it are kept: models/topk.ts's tie rule). heap: k floats of scratch.
 */
export function reluTopK(x: usize, y: usize, t: i32, d: i32, k: i32, heap: usize): void {
  const masked = k > 0 && k < d;
  for (let i = 0; i < t; i++) {
    const xr = x + (<usize>i * <usize>d << 2);
    const yr = y + (<usize>i * <usize>d << 2);
    reluRow(xr, yr, d);
    if (!masked) continue;
    const thr = kthLargest(yr, d, k, heap);
    const tv = splat(thr);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(yr + o);
      v128.store(yr + o, v128.and(v, f32x4.ge(v, tv)));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      if (load<f32>(yr + o) < thr) store<f32>(yr + o, 0);
    }
  }
}

/** dx = dy where y > 0, else 0 (n floats). */
export function reluGrad(dy: usize, y: usize, dx: usize, n: i32): void {
  const zero = splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/** counts [d] = per column of x [t, d], the rows where x > 0 (NaN is not), as exact float counts. */
export function positiveCounts(x: usize, counts: usize, t: i32, d: i32): void {
  memory.fill(counts, 0, <usize>d << 2);
  const zero = splat(0);
  const one = splat(1);
  for (let i = 0; i < t; i++) {
    const row = x + (<usize>i * <usize>d << 2);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      v128.store(counts + o, f32x4.add(v128.load(counts + o), v128.and(one, f32x4.gt(v128.load(row + o), zero))));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      if (load<f32>(row + o) > 0) store<f32>(counts + o, load<f32>(counts + o) + 1);
    }
  }
}

/** Σ of the n floats at p, 4 lanes then the tail. */
function rowSum(p: usize, n: i32): f32 {
  let acc = splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(p + (<usize>j << 2)));
  let s = hsum(acc);
  for (; j < n; j++) s += load<f32>(p + (<usize>j << 2));
  return s;
}

/** x, y [t, d]; gain, bias [d]; mean, rstd [t]: y = (x − μ)·rstd·gain + bias, biased variance (as PyTorch). */
export function layerNorm(x: usize, gain: usize, bias: usize, y: usize, mean: usize, rstd: usize, t: i32, d: i32, eps: f32): void {
  const inv = <f32>1 / <f32>d;
  for (let i = 0; i < t; i++) {
    const xr = x + (<usize>i * <usize>d << 2);
    const yr = y + (<usize>i * <usize>d << 2);
    const mu = rowSum(xr, d) * inv;
    const m4 = splat(mu);
    let q4 = splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const c = f32x4.sub(v128.load(xr + (<usize>j << 2)), m4);
      q4 = f32x4.add(q4, f32x4.mul(c, c));
    }
    let q = hsum(q4);
    for (; j < d; j++) {
      const c = load<f32>(xr + (<usize>j << 2)) - mu;
      q += c * c;
    }
    const r = <f32>1 / Mathf.sqrt(q * inv + eps);
    const r4 = splat(r);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const c = f32x4.mul(f32x4.sub(v128.load(xr + o), m4), r4);
      v128.store(yr + o, f32x4.add(f32x4.mul(c, v128.load(gain + o)), v128.load(bias + o)));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - mu) * r * load<f32>(gain + o) + load<f32>(bias + o));
    }
    store<f32>(mean + (<usize>i << 2), mu);
    store<f32>(rstd + (<usize>i << 2), r);
  }
}

/**
 * LayerNorm's gradient. dy, x, dx [t, d]; gain, dGain, dBias [d]; mean, rstd [t]. With x̂ = (x − μ)·r and
 * g = dy ⊙ gain: dx = r·(g − mean_d(g) − x̂·mean_d(g ⊙ x̂)); dGain = Σ_t dy ⊙ x̂; dBias = Σ_t dy.
 */
export function layerNormGrad(
  dy: usize, x: usize, gain: usize, mean: usize, rstd: usize, dx: usize, dGain: usize, dBias: usize, t: i32, d: i32,
): void {
  memory.fill(dGain, 0, <usize>d << 2);
  memory.fill(dBias, 0, <usize>d << 2);
  const inv = <f32>1 / <f32>d;
  for (let i = 0; i < t; i++) {
    const off = <usize>i * <usize>d << 2;
    const mu = load<f32>(mean + (<usize>i << 2));
    const r = load<f32>(rstd + (<usize>i << 2));
    const m4 = splat(mu);
    const r4 = splat(r);
    let sg4 = splat(0);
    let sgx4 = splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const g = v128.load(dy + off + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(x + off + o), m4), r4);
      v128.store(dGain + o, f32x4.add(v128.load(dGain + o), f32x4.mul(g, xh)));
      v128.store(dBias + o, f32x4.add(v128.load(dBias + o), g));
      const gg = f32x4.mul(g, v128.load(gain + o));
      sg4 = f32x4.add(sg4, gg);
      sgx4 = f32x4.add(sgx4, f32x4.mul(gg, xh));
    }
    let sg = hsum(sg4);
    let sgx = hsum(sgx4);
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const g = load<f32>(dy + off + o);
      const xh = (load<f32>(x + off + o) - mu) * r;
      store<f32>(dGain + o, load<f32>(dGain + o) + g * xh);
      store<f32>(dBias + o, load<f32>(dBias + o) + g);
      const gg = g * load<f32>(gain + o);
      sg += gg;
      sgx += gg * xh;
    }
    sg *= inv;
    sgx *= inv;
    const sg4b = splat(sg);
    const sgx4b = splat(sgx);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + off + o), m4), r4);
      const gg = f32x4.mul(v128.load(dy + off + o), v128.load(gain + o));
      v128.store(dx + off + o, f32x4.mul(r4, f32x4.sub(f32x4.sub(gg, sg4b), f32x4.mul(xh, sgx4b))));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const xh = (load<f32>(x + off + o) - mu) * r;
      const gg = load<f32>(dy + off + o) * load<f32>(gain + o);
      store<f32>(dx + off + o, r * ((gg - sg) - xh * sgx));
    }
  }
}

/** dst [c] = Σ over the r rows of src [r, c]. */
export function columnSums(src: usize, dst: usize, r: i32, c: i32): void {
  memory.fill(dst, 0, <usize>c << 2);
  for (let i = 0; i < r; i++) {
    const row = src + (<usize>i * <usize>c << 2);
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(row + o)));
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(row + o));
    }
  }
}

/** dst [c, r] = src [r, c]ᵀ, in 4x4 blocks transposed on lanes, edges scalar. */
export function transpose(src: usize, dst: usize, r: i32, c: i32): void {
  const r4 = r & ~3;
  const c4 = c & ~3;
  const rs = <usize>c << 2; // src row stride
  const ds = <usize>r << 2; // dst row stride
  for (let i = 0; i < r4; i += 4) {
    const s0 = src + <usize>i * rs;
    for (let j = 0; j < c4; j += 4) {
      const a = v128.load(s0 + (<usize>j << 2));
      const b = v128.load(s0 + rs + (<usize>j << 2));
      const e = v128.load(s0 + 2 * rs + (<usize>j << 2));
      const f = v128.load(s0 + 3 * rs + (<usize>j << 2));
      // [a0 b0 a1 b1], [a2 b2 a3 b3], [e0 f0 e1 f1], [e2 f2 e3 f3]
      const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
      const ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
      const ef01 = v128.shuffle<i32>(e, f, 0, 4, 1, 5);
      const ef23 = v128.shuffle<i32>(e, f, 2, 6, 3, 7);
      const d0 = dst + <usize>j * ds + (<usize>i << 2);
      v128.store(d0, v128.shuffle<i64>(ab01, ef01, 0, 2));
      v128.store(d0 + ds, v128.shuffle<i64>(ab01, ef01, 1, 3));
      v128.store(d0 + 2 * ds, v128.shuffle<i64>(ab23, ef23, 0, 2));
      v128.store(d0 + 3 * ds, v128.shuffle<i64>(ab23, ef23, 1, 3));
    }
    for (let q = 0; q < 4; q++) {
      for (let j = c4; j < c; j++) store<f32>(dst + <usize>j * ds + (<usize>(i + q) << 2), load<f32>(s0 + <usize>q * rs + (<usize>j << 2)));
    }
  }
  for (let i = r4; i < r; i++) {
    for (let j = 0; j < c; j++) store<f32>(dst + <usize>j * ds + (<usize>i << 2), load<f32>(src + <usize>i * rs + (<usize>j << 2)));
  }
}

/**
 * One AdamW step over n floats, each operation rounded to float32 in the order of src/train/adamw.ts's composed
 * formula: m' = m·b1 + g·nb1; v' = v·b2 + (g·g)·nb2; u = (m'·step) / (√(v'/c2) + eps); u += p·decay when decayed;
 * p' = p − u. The scalars arrive rounded to float32 by the caller.
 */
export function adamW(
  p: usize, g: usize, m: usize, v: usize, p1: usize, m1: usize, v1: usize, n: i32,
  b1: f32, nb1: f32, b2: f32, nb2: f32, step: f32, c2: f32, eps: f32, decayed: i32, decay: f32,
): void {
  const B1 = splat(b1), NB1 = splat(nb1), B2 = splat(b2), NB2 = splat(nb2), S = splat(step), C2 = splat(c2), E = splat(eps), W = splat(decay);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    const gv = v128.load(g + o);
    const mm = f32x4.add(f32x4.mul(v128.load(m + o), B1), f32x4.mul(gv, NB1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), B2), f32x4.mul(f32x4.mul(gv, gv), NB2));
    let u = f32x4.div(f32x4.mul(mm, S), f32x4.add(f32x4.sqrt(f32x4.div(vv, C2)), E));
    const pv = v128.load(p + o);
    if (decayed) u = f32x4.add(u, f32x4.mul(pv, W));
    v128.store(m1 + o, mm);
    v128.store(v1 + o, vv);
    v128.store(p1 + o, f32x4.sub(pv, u));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    const gv = load<f32>(g + o);
    const mm = load<f32>(m + o) * b1 + gv * nb1;
    const vv = load<f32>(v + o) * b2 + (gv * gv) * nb2;
    let u = (mm * step) / (Mathf.sqrt(vv / c2) + eps);
    const pv = load<f32>(p + o);
    if (decayed) u = u + pv * decay;
    store<f32>(m1 + o, mm);
    store<f32>(v1 + o, vv);
    store<f32>(p1 + o, pv - u);
  }
}

/**
 * e^x in float32 without tables (the standard library's expf reads a lookup table, which would be a data segment):
 * x = n·ln2 + r with |r| ≤ ln2/2, Cephes' degree-6 polynomial for e^r (about 1 ulp), times 2^n built in the exponent.
 */
function expf(x: f32): f32 {
  if (x != x) return x;
  if (x < -87.33654) return 0;
  if (x > 88.72283) return Infinity;
  const n: f32 = nearest<f32>(x * <f32>1.44269504);
  const r = (x - n * <f32>0.693359375) - n * <f32>(-2.12194440e-4); // ln 2 in two parts, exact first product
  let p: f32 = 1.9875691500e-4;
  p = p * r + <f32>1.3981999507e-3;
  p = p * r + <f32>8.3334519073e-3;
  p = p * r + <f32>4.1665795894e-2;
  p = p * r + <f32>1.6666665459e-1;
  p = p * r + <f32>5.0000001201e-1;
  const y = p * r * r + r + <f32>1;
  return y * reinterpret<f32>((<i32>n + 127) << 23); // n ≥ −126 above the underflow cut: a normal power of 2
}

/** Σ_c a[c]·b[c] over n floats (n a multiple of 4 on lanes, then the tail). */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let acc = splat(0);
  let c = 0;
  for (; c + 4 <= n; c += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>c << 2)), v128.load(b + (<usize>c << 2))));
  let s = hsum(acc);
  for (; c < n; c++) s += load<f32>(a + (<usize>c << 2)) * load<f32>(b + (<usize>c << 2));
  return s;
}

/** dst[c] += w·src[c] over n floats. */
// @ts-ignore: decorator
@inline function axpy(dst: usize, w: f32, src: usize, n: i32): void {
  const w4 = splat(w);
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(w4, v128.load(src + o))));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    store<f32>(dst + o, load<f32>(dst + o) + w * load<f32>(src + o));
  }
}

/**
 * Multi-head self-attention for B sequences of N tokens: q, k, v, out [B·N, D] with D = H·dh, head h in columns
 * [h·dh, (h+1)·dh); probs [B, H, N, N]. Per (sequence, head): P = softmax(scale·Q·Kᵀ) over keys, O = P·V.
 */
export function attention(q: usize, k: usize, v: usize, out: usize, probs: usize, b: i32, n: i32, h: i32, dh: i32, scale: f32): void {
  const d = h * dh;
  const rs = <usize>d << 2; // token row stride
  for (let s = 0; s < b; s++) {
    const base = <usize>s * <usize>n * rs;
    for (let hh = 0; hh < h; hh++) {
      const col = <usize>(hh * dh) << 2;
      const pg = probs + ((<usize>(s * h + hh) * <usize>n * <usize>n) << 2);
      for (let i = 0; i < n; i++) {
        const qi = q + base + <usize>i * rs + col;
        const pr = pg + ((<usize>i * <usize>n) << 2);
        let mx: f32 = -Infinity;
        for (let j = 0; j < n; j++) {
          const sc = scale * dot(qi, k + base + <usize>j * rs + col, dh);
          store<f32>(pr + (<usize>j << 2), sc);
          if (sc > mx) mx = sc;
        }
        let sum: f32 = 0;
        for (let j = 0; j < n; j++) {
          const e = expf(load<f32>(pr + (<usize>j << 2)) - mx);
          store<f32>(pr + (<usize>j << 2), e);
          sum += e;
        }
        const inv = <f32>1 / sum;
        const oi = out + base + <usize>i * rs + col;
        memory.fill(oi, 0, <usize>dh << 2);
        for (let j = 0; j < n; j++) {
          const p = load<f32>(pr + (<usize>j << 2)) * inv;
          store<f32>(pr + (<usize>j << 2), p);
          axpy(oi, p, v + base + <usize>j * rs + col, dh);
        }
      }
    }
  }
}

/**
 * attention's gradient from dOut [B·N, D] and the saved probs: dV = Pᵀ·dO; dP = dO·Vᵀ; dS = P ⊙ (dP − Σ_j dP ⊙ P);
 * dQ = scale·dS·K; dK = scale·dSᵀ·Q. row: N floats of scratch.
 */
export function attentionGrad(
  dout: usize, q: usize, k: usize, v: usize, probs: usize, dq: usize, dk: usize, dv: usize, b: i32, n: i32, h: i32, dh: i32,
  scale: f32, row: usize,
): void {
  const d = h * dh;
  const rs = <usize>d << 2;
  const total = <usize>b * <usize>n * rs;
  memory.fill(dk, 0, total);
  memory.fill(dv, 0, total);
  memory.fill(dq, 0, total);
  for (let s = 0; s < b; s++) {
    const base = <usize>s * <usize>n * rs;
    for (let hh = 0; hh < h; hh++) {
      const col = <usize>(hh * dh) << 2;
      const pg = probs + ((<usize>(s * h + hh) * <usize>n * <usize>n) << 2);
      for (let i = 0; i < n; i++) {
        const doi = dout + base + <usize>i * rs + col;
        const pr = pg + ((<usize>i * <usize>n) << 2);
        let acc: f32 = 0;
        for (let j = 0; j < n; j++) {
          const p = load<f32>(pr + (<usize>j << 2));
          axpy(dv + base + <usize>j * rs + col, p, doi, dh); // dV_j += P_ij·dO_i
          const dp = dot(doi, v + base + <usize>j * rs + col, dh);
          store<f32>(row + (<usize>j << 2), dp);
          acc += dp * p;
        }
        const qi = q + base + <usize>i * rs + col;
        const dqi = dq + base + <usize>i * rs + col;
        for (let j = 0; j < n; j++) {
          const p = load<f32>(pr + (<usize>j << 2));
          const ds = scale * (p * (load<f32>(row + (<usize>j << 2)) - acc));
          axpy(dqi, ds, k + base + <usize>j * rs + col, dh); // dQ_i += dS_ij·K_j
          axpy(dk + base + <usize>j * rs + col, ds, qi, dh); // dK_j += dS_ij·Q_i
        }
      }
    }
  }
}
