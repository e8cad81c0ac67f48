import { describe, expect, it } from 'vitest';
import { NeuroneError, ShapeError, Tensor, manualSeed, nn, noGrad, ones, randn, tensor, zeros } from '../../src/index.js';
import { thrown } from './helpers.js';

class Block extends nn.Module {
  scale = new nn.Parameter(ones([3]));
  fc = new nn.Linear(3, 3);
  constructor() {
    super();
    this.registerBuffer('running_mean', zeros([3]));
    this.registerBuffer('scratch', zeros([2]), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(x).mul(this.scale);
  }
}

class Net extends nn.Module {
  embed = new nn.Linear(4, 3);
  layers = new nn.ModuleList([new Block(), new Block()]);
  head = new nn.Sequential(new nn.ReLU(), new nn.Linear(3, 2));
  forward(x: Tensor): Tensor {
    let h = this.embed.forward(x);
    for (const b of this.layers) h = b.forward(h);
    return this.head.forward(h);
  }
}

describe('Module registration and names', () => {
  it('finds parameters, buffers and children from properties, in PyTorch order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual([
      'embed.weight', 'embed.bias',
      'layers.0.scale', 'layers.0.fc.weight', 'layers.0.fc.bias',
      'layers.1.scale', 'layers.1.fc.weight', 'layers.1.fc.bias',
      'head.1.weight', 'head.1.bias',
    ]);
    expect(net.parameters()).toHaveLength(10);
    expect(net.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad)).toBe(true);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['layers.0.running_mean', 'layers.0.scratch', 'layers.1.running_mean', 'layers.1.scratch']);
    expect(net.namedChildren().map(([k]) => k)).toEqual(['embed', 'layers', 'head']);
    expect(net.namedModules().map(([k]) => k)).toEqual([
      '', 'embed', 'layers', 'layers.0', 'layers.0.fc', 'layers.1', 'layers.1.fc', 'head', 'head.0', 'head.1',
    ]);
    expect(net.parameters(false)).toHaveLength(0);
    expect(net.getSubmodule('layers.1.fc')).toBe((net.layers.at(1) as Block).fc);
    expect(() => net.getSubmodule('layers.7')).toThrow("getSubmodule: ModuleList at 'layers' has no submodule '7'");
  });

  it('stateDict has PyTorch keys: parameters and persistent buffers, detached and sharing storage', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual([
      'embed.weight', 'embed.bias',
      'layers.0.scale', 'layers.0.running_mean', 'layers.0.fc.weight', 'layers.0.fc.bias',
      'layers.1.scale', 'layers.1.running_mean', 'layers.1.fc.weight', 'layers.1.fc.bias',
      'head.1.weight', 'head.1.bias',
    ]);
    expect(sd['embed.weight']!.requiresGrad).toBe(false);
    expect(sd['embed.weight']!.data).toBe(net.embed.weight.data);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('lists a tied parameter once in parameters() but under each name in stateDict()', () => {
    const a = new nn.Linear(3, 3);
    const b = new nn.Linear(3, 3);
    b.weight = a.weight;
    const m = new nn.Sequential(a, b);
    expect(m.parameters()).toHaveLength(3);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });

  it('register* accept non-identifier names and refuse clashes', () => {
    const m = new nn.Identity();
    m.registerParameter('weight_ih_l0', new nn.Parameter(zeros([2])));
    m.registerModule('0', new nn.ReLU());
    m.registerParameter('absent', null);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight_ih_l0']);
    expect(m.namedChildren().map(([k]) => k)).toEqual(['0']);
    expect(() => m.registerParameter('forward', new nn.Parameter(zeros([1])))).toThrow("registerParameter: 'forward' is already an attribute of Identity");
    expect(() => m.registerBuffer('weight_ih_l0', zeros([1]))).toThrow("registerBuffer: 'weight_ih_l0' is already a parameter of Identity");
    expect(() => m.registerModule('a.b', new nn.ReLU())).toThrow("registerModule: the name cannot contain '.'");
    expect(() => m.registerParameter('training', null)).toThrow("'training' is already an attribute of Identity holding boolean true");
    expect(() => m.registerParameter('w', zeros([2]) as nn.Parameter)).toThrow(
      "registerParameter: 'w' must be a Parameter or null, got a Tensor of shape [2] (wrap it: new nn.Parameter(t)",
    );
  });

  it('refuses modules hidden in an array, pointing to ModuleList', () => {
    class Bad extends nn.Module {
      layers = [new nn.Linear(2, 2)];
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(() => new Bad().parameters()).toThrow("Bad: property 'layers' is an array of modules or parameters, which Module cannot see; wrap it in nn.ModuleList");
  });
});

describe('Module state', () => {
  it('train() and eval() reach every descendant', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.head.training).toBe(false);
  });

  it('train() goes through overrides, and a back-reference to a parent does not loop', () => {
    class Frozen extends nn.Linear {
      override train(): this {
        return super.train(false);
      }
    }
    class Holder extends nn.Module {
      inner = new nn.Sequential(new Frozen(2, 2));
      forward(x: Tensor): Tensor {
        return this.inner.forward(x);
      }
    }
    const h = new Holder();
    h.inner.registerModule('parent', h);
    h.train(true);
    expect(h.training).toBe(true);
    expect(h.inner.at(0).training).toBe(false);
    expect(h.modules()).toHaveLength(3);
    const seen: string[] = [];
    h.apply((m) => seen.push(m.typeName()));
    expect(seen).toEqual(['Frozen', 'Sequential', 'Holder']);
    expect(Object.keys(h.stateDict())).toEqual(['inner.0.weight', 'inner.0.bias']);
  });

  it('zeroGrad clears or zeroes gradients', () => {
    const lin = new nn.Linear(3, 2);
    lin.forward(randn([4, 3])).sum().backward();
    expect(lin.weight.grad).not.toBeNull();
    lin.zeroGrad(false);
    expect(lin.weight.grad!.toList().every((v) => v === 0)).toBe(true);
    lin.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    expect(lin.bias!.grad).toBeNull();
  });

  it('requiresGrad_ freezes every parameter', () => {
    const net = new Net().requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
  });

  it('apply visits children before parents', () => {
    const seen: string[] = [];
    new nn.Sequential(new nn.Linear(1, 1), new nn.Sequential(new nn.ReLU())).apply((m) => seen.push(m.typeName()));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });

  it('to(float64) converts parameters in place and buffers', () => {
    const net = new Net();
    const p = net.embed.weight;
    const before = p.toList();
    net.double();
    expect(net.embed.weight).toBe(p);
    expect(p.dtype).toBe('float64');
    expect(p.data).toBeInstanceOf(Float64Array);
    expect(p.toList()).toEqual(before);
    expect(net.buffers().every((b) => b.dtype === 'float64')).toBe(true);
    expect(net.forward(randn([2, 4], { dtype: 'float64' })).dtype).toBe('float64');
    net.float();
    expect(p.dtype).toBe('float32');
    expect(() => net.to('int32')).toThrow('Module.to: only floating dtypes');
  });

  it('toString prints the tree like PyTorch', () => {
    const m = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Sequential(new nn.Dropout(0.1)));
    expect(m.toString()).toBe(
      [
        'Sequential(',
        '  (0): Linear(inFeatures=2, outFeatures=3, bias=true)',
        '  (1): ReLU()',
        '  (2): Sequential(',
        '    (0): Dropout(p=0.1)',
        '  )',
        ')',
      ].join('\n'),
    );
  });
});

describe('loadStateDict', () => {
  it('copies values in place and round-trips', () => {
    manualSeed(1);
    const a = new Net();
    const b = new Net();
    const w = b.embed.weight;
    const res = b.loadStateDict(a.stateDict());
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.embed.weight).toBe(w);
    expect(w.toList()).toEqual(a.embed.weight.toList());
    expect(w.data).not.toBe(a.embed.weight.data);
    // works while gradients are recorded (parameters require grad)
    expect(() => b.loadStateDict(a.stateDict())).not.toThrow();
    const x = randn([2, 4]);
    expect(noGrad(() => b.forward(x)).toList()).toEqual(noGrad(() => a.forward(x)).toList());
  });

  it('accepts a Map and converts float64 values to the model dtype', () => {
    const lin = new nn.Linear(2, 1);
    lin.loadStateDict(new Map([['weight', tensor([[1, 2]], { dtype: 'float64' })], ['bias', tensor([3], { dtype: 'float64' })]]));
    expect(lin.weight.dtype).toBe('float32');
    expect(lin.weight.toList()).toEqual([1, 2]);
  });

  it('reports missing and unexpected keys and shape and dtype mismatches in one error, copying nothing', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
    const before = model.stateDict()['0.weight']!.toList();
    const e = thrown(() =>
      model.loadStateDict({
        '0.weight': zeros([5, 4]),
        '0.bias': zeros([3]),
        '1.weight': zeros([2, 3], { dtype: 'int32' }),
        '2.weight': zeros([1]),
      }),
    );
    expect(e).toBeInstanceOf(nn.StateDictError);
    expect(e).toBeInstanceOf(NeuroneError);
    expect(e.message).toBe(
      [
        'loadStateDict: error(s) loading the state dict into Sequential:',
        '  missing keys: "1.bias"',
        '  unexpected keys: "2.weight"',
        '  "0.weight": shape [5,4] in the state dict, [3,4] in the model',
        '  "1.weight": dtype int32 in the state dict, float32 in the model',
      ].join('\n'),
    );
    const err = e as InstanceType<typeof nn.StateDictError>;
    expect(err.missingKeys).toEqual(['1.bias']);
    expect(err.unexpectedKeys).toEqual(['2.weight']);
    expect(model.stateDict()['0.weight']!.toList()).toEqual(before);
  });

  it('non-strict loading returns the key differences but still refuses a wrong shape', () => {
    const lin = new nn.Linear(2, 2);
    const res = lin.loadStateDict({ weight: ones([2, 2]), extra: zeros([1]) }, { strict: false });
    expect(res).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(lin.weight.toList()).toEqual([1, 1, 1, 1]);
    expect(() => lin.loadStateDict({ weight: ones([3, 2]) }, { strict: false })).toThrow('"weight": shape [3,2] in the state dict, [2,2] in the model');
  });

  it('excludes non-persistent buffers and loads persistent ones', () => {
    const b = new Block();
    const sd = b.stateDict();
    expect(Object.keys(sd)).toEqual(['scale', 'running_mean', 'fc.weight', 'fc.bias']);
    sd.running_mean = tensor([1, 2, 3]);
    b.loadStateDict(sd);
    expect((b as unknown as { running_mean: Tensor }).running_mean.toList()).toEqual([1, 2, 3]);
  });
});

describe('containers', () => {
  it('Sequential chains, indexes and grows', () => {
    const s = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh());
    expect(s.length).toBe(2);
    expect(s.at(-1)).toBeInstanceOf(nn.Tanh);
    s.append(new nn.Linear(3, 1));
    expect(s.forward(randn([5, 4])).shape).toEqual([5, 1]);
    expect(() => s.at(3)).toThrow('Sequential.at: index 3 is out of range for 3 module(s)');
    expect(() => new nn.Sequential(new nn.Linear(4, 3), 5 as unknown as nn.Module)).toThrow('Sequential.append: entry 1 must be a Module, got number');
  });

  it('Sequential from named modules uses the names as keys', () => {
    const s = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new nn.ReLU() });
    expect(Object.keys(s.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    expect(s.forward(randn([1, 2])).shape).toEqual([1, 2]);
  });

  it('ModuleList inserts and pops, renumbering keys', () => {
    const l = new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]);
    l.insert(1, new nn.Linear(1, 1));
    expect(l.children().map((m) => m.typeName())).toEqual(['ReLU', 'Linear', 'Tanh']);
    expect(Object.keys(l.stateDict())).toEqual(['1.weight', '1.bias']);
    expect(l.pop(0)).toBeInstanceOf(nn.ReLU);
    expect(Object.keys(l.stateDict())).toEqual(['0.weight', '0.bias']);
    expect([...l].length).toBe(2);
    expect(() => l.forward()).toThrow('ModuleList: has no forward');
  });

  it('ModuleDict keeps modules by name and refuses names that shadow members', () => {
    const d = new nn.ModuleDict({ enc: new nn.Linear(2, 3), dec: new nn.Linear(3, 2) });
    expect(d.keys()).toEqual(['enc', 'dec']);
    expect(d.get('dec')).toBeInstanceOf(nn.Linear);
    expect(d.has('enc')).toBe(true);
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    expect(() => d.get('nope')).toThrow("ModuleDict.get: no module named 'nope' (have 'enc', 'dec')");
    expect(() => d.set('train', new nn.ReLU())).toThrow("registerModule: 'train' is already an attribute of ModuleDict");
    d.pop('enc');
    expect(d.keys()).toEqual(['dec']);
  });
});

describe('Parameter', () => {
  it('wraps a tensor, sharing storage, and requires grad by default', () => {
    const t = randn([2, 2]);
    const p = new nn.Parameter(t);
    expect(p.data).toBe(t.data);
    expect(p.requiresGrad).toBe(true);
    expect(p).toBeInstanceOf(Tensor);
    expect(new nn.Parameter(t, false).requiresGrad).toBe(false);
    expect(p.toString()).toMatch(/^Parameter containing:\ntensor\(/);
    expect(() => new nn.Parameter([1, 2] as unknown as Tensor)).toThrow('Parameter: expected a Tensor, got an array');
    expect(() => new nn.Parameter(zeros([2], { dtype: 'int32' }))).toThrow('requiresGrad_: only floating-point tensors can require gradients');
  });
});

describe('errors carry the right class', () => {
  it('Linear shape errors are ShapeErrors', () => {
    expect(thrown(() => new nn.Linear(3, 2).forward(randn([2, 4])))).toBeInstanceOf(ShapeError);
  });
});
