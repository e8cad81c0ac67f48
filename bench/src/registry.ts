// Every row of the benchmark, in table order. A workload file owns its
// neurone and tfjs versions (bench/py/bench_torch.py has the PyTorch one
// under the same id); a row whose neurone layers are not exported yet is
// skipped with a note at run time, so new rows only need their file filled in.
import type { Workload } from './types.js';
import { workloads as gemm } from './workloads/gemm.js';
import { workloads as conv2d } from './workloads/conv2d.js';
import { workloads as mlp } from './workloads/mlp.js';
import { workloads as lenet5 } from './workloads/lenet5.js';
import { workloads as charLstm } from './workloads/char-lstm.js';
import { workloads as gru } from './workloads/gru.js';
import { workloads as blstm } from './workloads/blstm.js';
import { workloads as ctc } from './workloads/ctc.js';
import { workloads as vae } from './workloads/vae.js';
import { workloads as dcgan } from './workloads/dcgan.js';

export const registry: Workload[] = [...gemm, ...conv2d, ...mlp, ...lenet5, ...charLstm, ...gru, ...blstm, ...ctc, ...vae, ...dcgan];
