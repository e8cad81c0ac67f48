// Model builders, parameter counting, freezing, and summary's conv output shapes.
import { describe, expect, it } from 'vitest';
import { F, Generator, nn, optim, randint, randn, manualSeed } from '@neurone/core';
import { BatchNorm2d, Conv2d, countParameters, freeze, lenet5, mnist, trainableParameters, unfreeze, vgg, VGG_CONFIGS } from '../src/index.js';

describe('lenet5', () => {
  it('has 61,706 parameters and maps (N, 1, 28, 28) to (N, 10)', () => {
    const m = lenet5();
    expect(countParameters(m)).toBe(61706);
    expect(m.forward(randn([3, 1, 28, 28])).shape).toEqual([3, 10]);
    expect(countParameters(lenet5({ inChannels: 3, numClasses: 5, activation: 'tanh', pooling: 'avg' }))).toBe(61706 + 2 * 150 - 5 * 85);
    expect(() => lenet5({ activation: 'sigmoid' as never })).toThrow("lenet5: activation must be 'relu' or 'tanh', got 'sigmoid'");
  });

  it('learns: loss falls on a fixed batch of digits', () => {
    manualSeed(2);
    const { train } = mnist({ digits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    const idx = Array.from({ length: 20 }, (_, i) => i * 399);
    const x = train.images.indexSelect(0, idx);
    const y = train.labels.indexSelect(0, idx);
    const m = lenet5({ generator: new Generator(1) });
    const opt = new optim.Adam(m.parameters(), { lr: 5e-3 });
    const first = F.crossEntropy(m.forward(x), y).item();
    let last = first;
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(m.forward(x), y);
      loss.backward();
      opt.step();
      last = loss.item();
    }
    expect(last).toBeLessThan(first * 0.4);
  });

  it('summary shows the conv output shapes', () => {
    const lines: string[] = [];
    const s = nn.summary(lenet5(), [1, 1, 28, 28], { log: (l) => lines.push(l) });
    expect(s.totalParams).toBe(61706);
    const shapes = Object.fromEntries(s.rows.map((r) => [r.name, r.outputShape]));
    expect(shapes['features.0']).toEqual([1, 6, 28, 28]);
    expect(shapes['features.2']).toEqual([1, 6, 14, 14]);
    expect(shapes['features.3']).toEqual([1, 16, 10, 10]);
    expect(shapes['features.5']).toEqual([1, 16, 5, 5]);
    expect(lines.join('\n')).toMatch(/features\.3 \(Conv2d\)\s+\[1,16,10,10\]\s+2,416/);
  });
});

describe('vgg', () => {
  it('builds torchvision-style stacks with BatchNorm and a small head', () => {
    const net = vgg([16, 'M', 32, 32, 'M'], { inChannels: 1, numClasses: 10, batchNorm: true, poolSize: 1, hidden: [64], generator: new Generator(0) });
    expect(net.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);
    const types = net.features.children().map((m) => m.typeName());
    expect(types).toEqual(['Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'BatchNorm2d', 'ReLU', 'Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d']);
    // convs: 16*9+16, 32*16*9+32, 32*32*9+32; BN: 2*(16+32+32); head: 32*64+64, 64*10+10
    expect(countParameters(net)).toBe(160 + 4640 + 9248 + 160 + 2112 + 650);
    // torchvision's init: conv biases zero, BatchNorm weight one
    expect((net.features.at(0) as Conv2d).bias!.abs().max().item()).toBe(0);
    expect((net.features.at(1) as BatchNorm2d).weight!.toList()).toEqual(new Array(16).fill(1));
  });
  it('knows torchvision\'s configurations', () => {
    // VGG-16: 13 convs and 5 pools (not built here: 138M parameters take minutes to initialise in plain JS)
    expect(VGG_CONFIGS.vgg16.filter((c) => c !== 'M').length).toBe(13);
    expect(VGG_CONFIGS.vgg19.filter((c) => c === 'M').length).toBe(5);
  });
  it('rejects bad configs', () => {
    expect(() => vgg([16, 'X' as never])).toThrow(/vgg: config must be a non-empty list/);
  });
});

describe('freeze / unfreeze', () => {
  it('stops gradients and leaves an optimizer only the trainable parameters', () => {
    const m = lenet5();
    freeze(m.features);
    expect(countParameters(m, { trainableOnly: true })).toBe(61706 - 156 - 2416);
    expect(trainableParameters(m).length).toBe(6);
    F.crossEntropy(m.forward(randn([2, 1, 28, 28])), randint(0, 10, [2])).backward();
    for (const p of m.features.parameters()) expect(p.grad).toBeNull();
    for (const p of m.classifier.parameters()) expect(p.grad).not.toBeNull();
    const before = (m.features.at(0) as Conv2d).weight.toList();
    const opt = new optim.SGD(trainableParameters(m), { lr: 0.1 });
    opt.step();
    expect((m.features.at(0) as Conv2d).weight.toList()).toEqual(before);
    unfreeze(m);
    expect(countParameters(m, { trainableOnly: true })).toBe(61706);
  });
  it('replacing the head keeps the key layout', () => {
    const m = freeze(lenet5());
    m.classifier.pop();
    m.classifier.append(new nn.Linear(84, 5));
    expect(Object.keys(m.stateDict()).slice(-2)).toEqual(['classifier.4.weight', 'classifier.4.bias']);
    expect(trainableParameters(m).map((p) => p.shape)).toEqual([[5, 84], [5]]);
    expect(() => countParameters({} as never)).toThrow('countParameters: expected a Module, got object');
  });
});
