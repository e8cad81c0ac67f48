#!/usr/bin/python3
"""PyTorch side of `pnpm bench`: the same workloads as bench/src/workloads/*.ts.

Two modes:
  bench_torch.py --serve          JSON lines on stdin/stdout, driven by the
                                  TypeScript harness so that PyTorch's rounds
                                  interleave with neurone's and tfjs's:
                                  {"op": "setup", "id": "mlp"} -> {"ok": true}
                                  {"op": "run", "id": "mlp", "steps": 5} -> {"ms": 12.3}
                                  {"op": "dispose", "id": "mlp"} -> {"ok": true}
                                  {"op": "quit"}
  bench_torch.py [--quick] [--only REGEX]
                                  standalone: times every workload and prints
                                  one JSON object {"meta": ..., "rows": {id: {"ms": median}}}.

Threads: torch.set_num_threads(2); run with OPENBLAS_NUM_THREADS=1 (the
harness sets it), otherwise PyTorch's and OpenBLAS's threads fight over the
two cores.
"""
import json
import os
import re
import statistics
import sys
import time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "no PyTorch column"
    print(json.dumps({'ready': False, 'error': f'cannot import torch: {e}'}), flush=True)
    sys.exit(0)

torch.set_num_threads(2)
torch.manual_seed(0)

WORKLOADS = {}


def workload(*ids):
    def register(fn):
        for i in ids:
            WORKLOADS[i] = (lambda i=i: fn(i))
        return fn
    return register


def train_step(params, opt, loss_fn, clip=None):
    params = list(params)

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(params, clip)
        opt.step()
    return step


# ---- GEMM ----
GEMM = {
    'gemm-128': (128, 128, 128),
    'gemm-256': (256, 256, 256),
    'gemm-512': (512, 512, 512),
    'gemm-1024': (1024, 1024, 1024),
    'gemm-32x512x1024': (32, 512, 1024),
}


@workload(*GEMM)
def gemm(wid):
    m, k, n = GEMM[wid]
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    return lambda: torch.mm(a, b)


# ---- conv2d: N=8, 32 -> 64, 3x3, padding 1, 32x32 ----
@workload('conv2d-fwd', 'conv2d-fwd-bwd')
def conv2d(wid):
    backward = wid == 'conv2d-fwd-bwd'
    bound = 1 / (32 * 9) ** 0.5
    x = torch.randn(8, 32, 32, 32, requires_grad=backward)
    w = torch.empty(64, 32, 3, 3).uniform_(-bound, bound).requires_grad_(backward)
    b = torch.empty(64).uniform_(-bound, bound).requires_grad_(backward)
    if not backward:
        def fwd():
            with torch.no_grad():
                F.conv2d(x, w, b, padding=1)
        return fwd

    def fwd_bwd():
        x.grad = w.grad = b.grad = None
        F.conv2d(x, w, b, padding=1).sum().backward()
    return fwd_bwd


# ---- MLP 784-256-256-10, batch 128, SGD ----
@workload('mlp')
def mlp(_):
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))
    return train_step(model.parameters(), opt, lambda: F.cross_entropy(model(x), y))


# ---- LeNet-5, batch 64, Adam ----
@workload('lenet5')
def lenet5(_):
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    return train_step(model.parameters(), opt, lambda: F.cross_entropy(model(x), y))


# ---- char-LSTM / char-GRU: vocab 65, hidden 256, T=64, batch 32, Adam, clip 5 ----
def chars(n):
    return torch.tensor([(i * 2654435761) % 65 for i in range(n)], dtype=torch.long)


@workload('char-lstm', 'char-gru')
def char_rnn(wid):
    T, B, V, H = 64, 32, 65, 256
    rnn = (nn.LSTM if wid == 'char-lstm' else nn.GRU)(V, H)
    head = nn.Linear(H, V)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=2e-3)
    x = F.one_hot(chars(T * B), V).float().view(T, B, V)
    y = chars(T * B + 1)[1:]

    def loss():
        out, _ = rnn(x)
        return F.cross_entropy(head(out.reshape(T * B, H)), y)
    return train_step(params, opt, loss, clip=5.0)


# ---- BLSTM 64 -> 2x128, T=100, batch 16, forward + backward ----
@workload('blstm')
def blstm(_):
    lstm = nn.LSTM(64, 128, bidirectional=True)
    params = list(lstm.parameters())
    x = torch.randn(100, 16, 64)

    def step():
        for p in params:
            p.grad = None
        out, _ = lstm(x)
        out.sum().backward()
    return step


# ---- CTC: T=100, batch 16, 30 classes, targets of 20 ----
@workload('ctc')
def ctc(_):
    T, B, C, L = 100, 16, 30, 20
    logits = torch.randn(T, B, C, requires_grad=True)
    targets = torch.tensor([1 + ((i * 7919 + 13) % (C - 1)) for i in range(B * L)], dtype=torch.long).view(B, L)
    il = torch.full((B,), T, dtype=torch.long)
    tl = torch.full((B,), L, dtype=torch.long)

    def step():
        logits.grad = None
        F.ctc_loss(logits.log_softmax(2), targets, il, tl, blank=0, reduction='mean').backward()
    return step


# ---- VAE 784-400-20, batch 128, Adam ----
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


@workload('vae')
def vae(_):
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(128, 784)

    def loss():
        recon, mu, logvar = model(x)
        bce = F.binary_cross_entropy(recon, x, reduction='sum')
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kld
    return train_step(model.parameters(), opt, loss)


# ---- DCGAN on 28x28, batch 64 (see bench/src/workloads/dcgan.ts) ----
class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(100, 128 * 7 * 7)
        self.net = nn.Sequential(
            nn.BatchNorm2d(128), nn.ReLU(),
            nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        return self.net(self.fc(z).view(-1, 128, 7, 7))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(128 * 7 * 7, 1))

    def forward(self, x):
        return self.net(x)


@workload('dcgan')
def dcgan(_):
    B = 64
    g, d = Generator(), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.empty(B, 1, 28, 28).uniform_(-1, 1)
    ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)
    bce = F.binary_cross_entropy_with_logits

    def step():
        fake = g(torch.randn(B, 100))
        opt_d.zero_grad()
        (bce(d(real), ones) + bce(d(fake.detach()), zeros)).backward()
        opt_d.step()
        opt_g.zero_grad()
        bce(d(fake), ones).backward()
        opt_g.step()
    return step


# ---- modes ----
def blas_info():
    try:
        cfg = torch.__config__.show()
        m = re.search(r'BLAS_INFO=(\w+)', cfg)
        return m.group(1) if m else None
    except Exception:  # noqa: BLE001
        return None


def hello():
    return {'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
            'python': sys.version.split()[0], 'blas': blas_info(), 'workloads': sorted(WORKLOADS)}


def serve():
    print(json.dumps(hello()), flush=True)
    live = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        op, wid = msg.get('op'), msg.get('id')
        if op == 'quit':
            break
        try:
            if op == 'setup':
                if wid not in WORKLOADS:
                    reply = {'ok': False, 'status': 'none', 'error': f'no workload {wid!r} in bench_torch.py'}
                else:
                    live[wid] = WORKLOADS[wid]()
                    reply = {'ok': True}
            elif op == 'run':
                step = live[wid]
                t0 = time.perf_counter()
                for _ in range(int(msg.get('steps', 1))):
                    step()
                reply = {'ms': (time.perf_counter() - t0) * 1e3}
            elif op == 'dispose':
                live.pop(wid, None)
                reply = {'ok': True}
            else:
                reply = {'error': f'unknown op {op!r}'}
        except Exception as e:  # noqa: BLE001 - reported to the harness as an error cell
            reply = {'ok': False, 'status': 'error', 'error': f'{type(e).__name__}: {e}'}
        print(json.dumps(reply), flush=True)


def standalone(quick, only):
    warm_ms, round_ms, rounds = (150, 40, 5) if quick else (600, 250, 11)
    rows = {}
    for wid, make in WORKLOADS.items():
        if only and not re.search(only, wid, re.I):
            continue
        step = make()
        t0 = time.perf_counter()
        step()
        n = 1
        while (time.perf_counter() - t0) * 1e3 < warm_ms:
            step()
            n += 1
        t0 = time.perf_counter()
        step()
        est = (time.perf_counter() - t0) * 1e3
        k = max(1, round(round_ms / max(est, 1e-3)))
        samples = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(k):
                step()
            samples.append((time.perf_counter() - t0) * 1e3 / k)
        rows[wid] = {'ms': statistics.median(samples), 'samples': samples, 'stepsPerRound': k}
        print(f'{wid}: {rows[wid]["ms"]:.3f} ms', file=sys.stderr, flush=True)
    print(json.dumps({'meta': hello(), 'rows': rows}, indent=1))


if __name__ == '__main__':
    args = sys.argv[1:]
    if '--serve' in args:
        serve()
    else:
        only = args[args.index('--only') + 1] if '--only' in args else None
        standalone('--quick' in args, only)
