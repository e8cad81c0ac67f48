// The im2col/col2im kernels against a direct convolution and against each other.
import { describe, expect, it } from 'vitest';
import {
  Generator, conv1d, conv2d, convTranspose2d, gather, getBackend, jsBackend, wasmBackend, listBackends, maxPoolIndices, pad, randn, manualSeed, setBackend, tensor, unfold, type ConvParams, type Im2colParams,
} from '../../src/index.js';

/** Direct 7-loop convolution, the textbook definition. */
function directConv2d(
  x: Float64Array, [N, C, H, W]: number[], w: Float64Array, [O, Cg, KH, KW]: number[],
  s: number[], p: number[], d: number[], groups: number,
): { out: Float64Array; shape: number[] } {
  const OH = Math.floor((H + 2 * p[0]! - d[0]! * (KH - 1) - 1) / s[0]!) + 1;
  const OW = Math.floor((W + 2 * p[1]! - d[1]! * (KW - 1) - 1) / s[1]!) + 1;
  const out = new Float64Array(N * O * OH * OW);
  const Og = O / groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let acc = 0;
    const g = Math.floor(o / Og);
    for (let c = 0; c < Cg; c++) for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) {
      const h = i * s[0]! - p[0]! + a * d[0]!;
      const v = j * s[1]! - p[1]! + b * d[1]!;
      if (h < 0 || h >= H || v < 0 || v >= W) continue;
      acc += x[((n * C + g * Cg + c) * H + h) * W + v]! * w[((o * Cg + c) * KH + a) * KW + b]!;
    }
    out[((n * O + o) * OH + i) * OW + j] = acc;
  }
  return { out, shape: [N, O, OH, OW] };
}

describe('im2col / col2im', () => {
  const p: Im2colParams = {
    batch: 2, channels: 3, height: 5, width: 6, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1,
    padTop: 1, padLeft: 2, dilationH: 1, dilationW: 2, outH: 3, outW: 7,
  };
  const colSize = p.batch * p.channels * p.kernelH * p.kernelW * p.outH * p.outW;
  const imgSize = p.batch * p.channels * p.height * p.width;

  it('col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
    const gen = new Generator(3);
    const x = Float64Array.from({ length: imgSize }, () => gen.normal());
    const c = Float64Array.from({ length: colSize }, () => gen.normal());
    const col = new Float64Array(colSize);
    const img = new Float64Array(imgSize).fill(99); // col2im overwrites
    getBackend().im2col(x, col, p);
    getBackend().col2im(c, img, p);
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < colSize; i++) lhs += col[i]! * c[i]!;
    for (let i = 0; i < imgSize; i++) rhs += x[i]! * img[i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
  });

  it('reads zeros in the padding and the input elsewhere', () => {
    const x = Float32Array.from({ length: 1 * 1 * 2 * 2 }, (_, i) => i + 1); // [[1,2],[3,4]]
    const q: Im2colParams = { ...p, batch: 1, channels: 1, height: 2, width: 2, kernelH: 2, kernelW: 2, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 3, outW: 3 };
    const col = new Float32Array(4 * 9);
    getBackend().im2col(x, col, q);
    // kernel offset (0,0): windows start at (-1,-1)
    expect(Array.from(col.subarray(0, 9))).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
    // kernel offset (1,1): windows start at (0,0)
    expect(Array.from(col.subarray(27, 36))).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
  });
});

describe.each(listBackends())('im2col / col2im on the %s backend agree with the reference', (name) => {
  const geometries: Im2colParams[] = [
    { batch: 3, channels: 4, height: 9, width: 11, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 9, outW: 11 },
    { batch: 2, channels: 3, height: 10, width: 7, kernelH: 4, kernelW: 2, strideH: 2, strideW: 3, padTop: 2, padLeft: 0, dilationH: 2, dilationW: 3, outH: 5, outW: 2 },
    // 'same' with an even kernel: more padding after than before
    { batch: 1, channels: 2, height: 6, width: 6, kernelH: 4, kernelW: 4, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, outH: 6, outW: 6 },
    { batch: 64, channels: 6, height: 14, width: 14, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 10, outW: 10 },
  ];
  geometries.forEach((p, gi) => {
    it(`geometry ${gi}`, () => {
      const prev = getBackend().name;
      setBackend(name);
      try {
        const gen = new Generator(gi);
        const imgSize = p.batch * p.channels * p.height * p.width;
        const colSize = p.batch * p.channels * p.kernelH * p.kernelW * p.outH * p.outW;
        const x = Float32Array.from({ length: imgSize }, () => gen.normal());
        const c = Float32Array.from({ length: colSize }, () => gen.normal());
        const [col, ref] = [new Float32Array(colSize).fill(7), new Float32Array(colSize)];
        getBackend().im2col(x, col, p);
        jsBackend.im2col(x, ref, p);
        let mismatches = 0;
        for (let i = 0; i < colSize; i++) if (col[i] !== ref[i]) mismatches++;
        expect(mismatches).toBe(0);
        const [img, refImg] = [new Float32Array(imgSize).fill(7), new Float32Array(imgSize)];
        getBackend().col2im(c, img, p);
        jsBackend.col2im(c, refImg, p);
        let worst = 0;
        for (let i = 0; i < imgSize; i++) worst = Math.max(worst, Math.abs(img[i]! - refImg[i]!) / (1 + Math.abs(refImg[i]!)));
        expect(worst).toBeLessThan(1e-5);
        // and conv2d end to end in float32 against float64 on the reference
        const xs = [p.batch, p.channels, p.height, p.width];
        const xt = randn(xs);
        const w = randn([5, p.channels, p.kernelH, p.kernelW]);
        const opts = { stride: [p.strideH, p.strideW], padding: [p.padTop, p.padLeft], dilation: [p.dilationH, p.dilationW] };
        const y = conv2d(xt, w, null, opts);
        setBackend('js');
        const y64 = conv2d(xt.double(), w.double(), null, opts);
        expect(y.shape).toEqual(y64.shape);
        worst = 0;
        for (let i = 0; i < y.size; i++) worst = Math.max(worst, Math.abs(y.data[i]! - y64.data[i]!) / (1 + Math.abs(y64.data[i]!)));
        expect(worst).toBeLessThan(1e-4);
      } finally {
        setBackend(prev);
      }
    });
  });
});

describe('conv ops against a direct convolution', () => {
  const configs: Array<[number[], number[], number[], number[], number[], number]> = [
    [[2, 3, 9, 8], [4, 3, 3, 3], [1, 1], [0, 0], [1, 1], 1],
    [[1, 4, 11, 7], [6, 2, 3, 2], [2, 3], [1, 2], [2, 1], 2],
    [[3, 4, 6, 6], [8, 1, 3, 3], [1, 2], [1, 1], [1, 1], 4],
  ];
  for (const [xs, ws, s, p, d, groups] of configs) {
    it(`x ${xs} w ${ws} stride ${s} padding ${p} dilation ${d} groups ${groups}`, () => {
      manualSeed(21);
      const x = randn(xs, { dtype: 'float64' });
      const w = randn(ws, { dtype: 'float64' });
      const y = conv2d(x, w, null, { stride: s, padding: p, dilation: d, groups });
      const ref = directConv2d(x.data as Float64Array, xs, w.data as Float64Array, ws, s, p, d, groups);
      expect(y.shape).toEqual(ref.shape);
      for (let i = 0; i < ref.out.length; i++) expect(y.data[i]).toBeCloseTo(ref.out[i]!, 10);
    });
  }

  it.each(listBackends())('float32 conv2d layers: backward twice on a retained graph, frees out of order, a second forward in between (%s backend)', (name) => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      manualSeed(23);
      const x = randn([3, 4, 10, 9], { requiresGrad: true });
      const w1 = randn([5, 4, 3, 3], { requiresGrad: true });
      const w2 = randn([6, 5, 3, 3], { requiresGrad: true });
      const b2 = randn([6], { requiresGrad: true });
      const run = () => conv2d(conv2d(x, w1, null, { padding: 1 }).tanh(), w2, b2, { stride: 2 }).square().sum();
      // the float64 twin: the reference composition of the same maths
      const [x64, w164, w264, b264] = [x, w1, w2, b2].map((t) => t.detach().double().requiresGrad_());
      conv2d(conv2d(x64!, w164!, null, { padding: 1 }).tanh(), w264!, b264!, { stride: 2 }).square().sum().backward();
      const want = [x64!, w164!, w264!, b264!].map((t) => [...t.grad!.toList()]);
      const close = (t: typeof x, i: number) => {
        const got = [...t.grad!.toList()];
        for (let k = 0; k < got.length; k++) expect(Math.abs(got[k]! - want[i]![k]!)).toBeLessThan(1e-3 * (1 + Math.abs(want[i]![k]!)));
      };
      const first = run();
      const second = run(); // kept beside the first's
      first.backward(undefined, { retainGraph: true });
      [x, w1, w2, b2].forEach(close);
      for (const t of [x, w1, w2, b2]) t.grad = null;
      second.backward(); // frees the second's while the first's are still kept
      [x, w1, w2, b2].forEach(close);
      for (const t of [x, w1, w2, b2]) t.grad = null;
      first.backward();
      [x, w1, w2, b2].forEach(close);
    } finally {
      setBackend(prev);
    }
  });

  it('conv1d equals conv2d on a height-1 image', () => {
    manualSeed(22);
    const x = randn([2, 4, 15]);
    const w = randn([6, 2, 3]);
    const b = randn([6]);
    const y1 = conv1d(x, w, b, { stride: 2, padding: 2, dilation: 3, groups: 2 });
    const y2 = conv2d(x.reshape(2, 4, 1, 15), w.reshape(6, 2, 1, 3), b, { stride: [1, 2], padding: [0, 2], dilation: [1, 3], groups: 2 });
    expect(y1.shape).toEqual([2, 6, 7]);
    expect(y1.toList()).toEqual(y2.toList());
  });

  it('convTranspose2d is the adjoint of conv2d: <conv(x), y> = <x, convT(y)>', () => {
    manualSeed(23);
    const opts = { stride: 2, padding: 1, dilation: 2, groups: 2 };
    const x = randn([2, 4, 9, 8], { dtype: 'float64' });
    const w = randn([6, 2, 3, 3], { dtype: 'float64' });
    const y = conv2d(x, w, null, opts);
    const z = randn([...y.shape], { dtype: 'float64' });
    const xt = convTranspose2d(z, w, null, { ...opts, outputPadding: [0, 1] });
    expect(xt.shape).toEqual(x.shape);
    const lhs = y.mul(z).sum().item();
    const rhs = x.mul(xt).sum().item();
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
  });

  it("'same' keeps the spatial size and unbatched inputs keep their rank", () => {
    expect(conv2d(randn([2, 3, 7, 6]), randn([5, 3, 4, 3]), null, { padding: 'same', dilation: 2 }).shape).toEqual([2, 5, 7, 6]);
    expect(conv2d(randn([3, 7, 6]), randn([5, 3, 3, 3])).shape).toEqual([5, 5, 4]);
    expect(conv1d(randn([3, 10]), randn([2, 3, 4]), null, { padding: 'same' }).shape).toEqual([2, 10]);
    expect(convTranspose2d(randn([4, 5, 5]), randn([4, 2, 3, 3]), null, { stride: 2 }).shape).toEqual([2, 11, 11]);
  });
});

describe.each(listBackends())('convForward / convInputGrad / convWeightGrad on the %s backend', (name) => {
  const base = { strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1 };
  const cases: Array<[string, ConvParams]> = [
    ['3x3 same, groups 1', { ...base, batch: 3, channels: 5, height: 9, width: 10, kernelH: 3, kernelW: 3, outH: 9, outW: 10, outChannels: 7, groups: 1 }],
    ['strided, dilated', { ...base, batch: 2, channels: 4, height: 11, width: 8, kernelH: 3, kernelW: 2, strideH: 2, strideW: 3, dilationH: 2, outH: 5, outW: 3, outChannels: 6, groups: 1 }],
    ['groups 2', { ...base, batch: 2, channels: 4, height: 7, width: 7, kernelH: 3, kernelW: 3, outH: 7, outW: 7, outChannels: 6, groups: 2 }],
    // Winograd F(2x2, 3x3) on the wasm backend: odd output sizes (edge tiles), padding 0 and 2
    ['3x3 Winograd, odd sizes', { ...base, batch: 3, channels: 9, height: 9, width: 11, kernelH: 3, kernelW: 3, outH: 9, outW: 11, outChannels: 10, groups: 1 }],
    ['3x3 Winograd, padding 0', { ...base, batch: 2, channels: 8, height: 12, width: 13, kernelH: 3, kernelW: 3, padTop: 0, padLeft: 0, outH: 10, outW: 11, outChannels: 12, groups: 1 }],
    ['3x3 Winograd, padding 2', { ...base, batch: 1, channels: 16, height: 5, width: 6, kernelH: 3, kernelW: 3, padTop: 2, padLeft: 2, outH: 7, outW: 8, outChannels: 8, groups: 1 }],
    // 25 MB of Winograd scratch an image (one at a time on each thread); the kept V, 50 MB, is under the cap
    ['large Winograd images', { ...base, batch: 3, channels: 64, height: 128, width: 128, kernelH: 3, kernelW: 3, outH: 128, outW: 128, outChannels: 16, groups: 1 }],
    // 37.7 MB of columns an image: more than one chunk of images on the wasm backend
    ['large images, chunked', { ...base, batch: 3, channels: 64, height: 128, width: 128, kernelH: 3, kernelW: 3, outH: 128, outW: 128, outChannels: 4, groups: 1 }],
  ];
  // the chunking and the large scratch are the wasm backend's: on the reference backend the large cases would only compare it with itself
  for (const [label, p] of cases.filter(([label]) => name !== 'js' || !label.startsWith('large'))) {
    it(label, { timeout: 30_000 }, () => {
      const prev = getBackend().name;
      setBackend(name);
      const be = getBackend();
      try {
        const gen = new Generator(5);
        const { k, l } = { k: (p.channels / p.groups) * p.kernelH * p.kernelW, l: p.outH * p.outW };
        const rand = (n: number) => Float32Array.from({ length: n }, () => gen.normal());
        const x = rand(p.batch * p.channels * p.height * p.width);
        const w = rand(p.outChannels * k);
        const y = rand(p.batch * p.outChannels * l);
        // elementwise, except on the large cases: their weight gradients sum ~50,000 float32 products, whose
        // rounding is measured against the largest values (a small sum of large terms keeps their absolute error)
        const large = label.startsWith('large');
        const compare = (got: Float32Array, want: Float32Array) => {
          let worst = 0;
          let scale = 0;
          for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
          for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + (large ? scale : Math.abs(want[i]!))));
          expect(worst).toBeLessThan(large ? 1e-5 : 1e-4);
        };
        const [yo, yr] = [new Float32Array(y.length).fill(9), new Float32Array(y.length)];
        be.convForward(x, w, yo, p);
        jsBackend.convForward(x, w, yr, p);
        compare(yo, yr);
        // with a bias: the same plus the channel's bias everywhere
        const bias = rand(p.outChannels);
        const yb = new Float32Array(y.length).fill(9);
        be.convForward(x, w, yb, p, bias);
        compare(yb, yr.map((v, i) => v + bias[Math.floor(i / l) % p.outChannels]!));
        const [xo, xr] = [new Float32Array(x.length).fill(9), new Float32Array(x.length)];
        be.convInputGrad(y, w, xo, p);
        jsBackend.convInputGrad(y, w, xr, p);
        compare(xo, xr);
        const [wo, wr] = [new Float32Array(w.length).fill(9), new Float32Array(w.length)];
        be.convWeightGrad(x, y, wo, p);
        jsBackend.convWeightGrad(x, y, wr, p);
        compare(wo, wr);
        // convBackward: the two adjoints and the bias sum in one call, any of them left out
        const br = new Float32Array(p.outChannels);
        for (let i = 0; i < y.length; i++) br[Math.floor(i / l) % p.outChannels]! += y[i]!;
        for (const want of [[true, true, true], [true, false, false], [false, true, false], [false, false, true], [false, true, true]]) {
          const grads = {
            x: want[0] ? new Float32Array(x.length).fill(9) : null,
            w: want[1] ? new Float32Array(w.length).fill(9) : null,
            bias: want[2] ? new Float32Array(p.outChannels).fill(9) : null,
          };
          be.convBackward(y, x, w, grads, p);
          if (grads.x) compare(grads.x, xr);
          if (grads.w) compare(grads.w, wr);
          if (grads.bias) compare(grads.bias, br);
        }
        // what a forward kept serves the weight gradient, as often as asked, until freed; then x is read again
        const saved = be.convForward(x, w, new Float32Array(y.length), p, null, true);
        // (the columns, or with Winograd the transformed input)
        if (name === 'wasm' && p.groups === 1 && !label.startsWith('large')) expect(saved).not.toBeNull();
        for (let round = 0; round < 3; round++) {
          if (round === 2 && saved) be.convFree(saved);
          const grads = { x: new Float32Array(x.length).fill(9), w: new Float32Array(w.length).fill(9), bias: null };
          be.convBackward(y, x, w, grads, p, saved);
          compare(grads.x, xr);
          compare(grads.w, wr);
        }
      } finally {
        setBackend(prev);
      }
    });
  }
});

describe('a batch of no images', () => {
  it.each(listBackends())('gives a zero weight gradient on the %s backend (Winograd-sized 3x3 too)', (name) => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      const x = randn([0, 8, 6, 6]);
      const w = randn([8, 8, 3, 3], { requiresGrad: true });
      const b = randn([8], { requiresGrad: true });
      conv2d(x, w, b, { padding: 1 }).sum().backward();
      expect(Array.from(w.grad!.data).every((v) => v === 0)).toBe(true);
      expect(Array.from(b.grad!.data).every((v) => v === 0)).toBe(true);
    } finally {
      setBackend(prev);
    }
  });
});

describe('3x3 convolution accuracy on the wasm backend, against float64', () => {
  // without a backward the forward runs Winograd F(4x4, 3x3); with one, F(2x2, 3x3), whose transformed
  // input the weight gradient reuses. Errors are measured against the largest output magnitude.
  it('F(4x4, 3x3) within 3e-5 of the output scale, F(2x2, 3x3) within 2e-6', () => {
    const be = wasmBackend;
    const g = new Generator(7);
    const [N, C, H, O] = [2, 64, 20, 48];
    const p: ConvParams = {
      batch: N, channels: C, height: H, width: H, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1,
      dilationH: 1, dilationW: 1, outH: H, outW: H, outChannels: O, groups: 1,
    };
    const x = randn([N * C * H * H], { generator: g }).data as Float32Array;
    const w = randn([O * C * 9], { generator: g }).mul(Math.sqrt(2 / (C * 9))).data as Float32Array;
    const ref = new Float64Array(N * O * H * H);
    jsBackend.convForward(Float64Array.from(x), Float64Array.from(w), ref, p);
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const err = (y: Float32Array) => y.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0) / scale;
    const f4 = new Float32Array(ref.length);
    expect(be.convForward(x, w, f4, p)).toBeNull();
    const f2 = new Float32Array(ref.length);
    const saved = be.convForward(x, w, f2, p, null, true);
    if (saved) be.convFree(saved);
    expect(err(f4)).toBeLessThan(3e-5);
    expect(err(f2)).toBeLessThan(2e-6);
    // F(4x4, 3x3) is the less exact of the two: a check that each path ran
    expect(err(f4)).toBeGreaterThan(err(f2));
  });
});

describe('maxPoolIndices', () => {
  it('picks the largest element of each window, the first on ties, NaN over numbers', () => {
    const x = tensor([[[1, 5, 5, 0], [7, 2, 5, 5], [NaN, 0, 3, 3], [1, 9, 3, 3]]]);
    expect(maxPoolIndices(x, 2).toList()).toEqual([4, 2, 8, 10]);
  });

  it('never picks the padding and reads windows that run past the input (outputSize)', () => {
    const x = tensor([[[-5, -6, -7], [-8, -9, -1], [-2, -3, -4]]]);
    // padding 1, stride 2: windows start at -1, 1; ceil-mode-like 3rd window starting at 3 is not asked for
    expect(maxPoolIndices(x, 3, { stride: 2, padding: 1 }).toList()).toEqual([0, 5, 6, 5]);
    expect(maxPoolIndices(x, 2, { stride: 2, outputSize: [2, 2] }).toList()).toEqual([0, 5, 6, 8]);
  });

  it.each(listBackends())('agrees with argmax over unfold on the %s backend', (name) => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      manualSeed(4);
      const x = randn([3, 4, 13, 11]);
      const idx = maxPoolIndices(x, [3, 2], { stride: [2, 3], dilation: [2, 1], padding: [1, 1] });
      expect(idx.shape).toEqual([3, 4, 6, 4]);
      const values = gather(x.reshape([3, 4, 13 * 11]), 2, idx.reshape([3, 4, 24]));
      const cols = unfold(pad(x.reshape([12, 1, 13, 11]), [1, 1, 1, 1], -Infinity), [3, 2], { stride: [2, 3], dilation: [2, 1] });
      expect(values.reshape([12, 24]).toList()).toEqual(cols.max(1).toList());
    } finally {
      setBackend(prev);
    }
  });

  it.each(listBackends())('2x2 windows of stride 2 (a vectorised path on wasm) agree with the reference on the %s backend: ties, NaN, odd sizes', (name) => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      const gen = new Generator(12);
      // small integers make ties common; a few NaN
      const n = 2 * 3 * 9 * 19;
      const values = Array.from({ length: n }, () => (gen.random() < 0.05 ? NaN : Math.floor(gen.random() * 3)));
      const x = tensor(values).reshape([2, 3, 9, 19]);
      for (const opts of [{}, { outputSize: [5, 10] as [number, number] }]) {
        const got = maxPoolIndices(x, 2, opts).toList();
        setBackend('js');
        const want = maxPoolIndices(x, 2, opts).toList();
        setBackend(name);
        expect(got).toEqual(want);
      }
    } finally {
      setBackend(prev);
    }
  });

  it('refuses padding over half the kernel, with the op name', () => {
    expect(() => maxPoolIndices(randn([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(/maxPoolIndices: padding 2 should be at most half/);
  });
});
