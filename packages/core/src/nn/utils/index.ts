/** `nn.utils`: helpers that work on parameters and their gradients. */
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip_grad.js';
