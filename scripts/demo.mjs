#!/usr/bin/env node
// The README's demo: the course's first chapter told by neurone itself.
// A formal neuron (perceptron) learns AND, fails on XOR, and a two-layer
// perceptron (MLP) solves XOR by backpropagation.
import { F, manualSeed, nn, noGrad, optim, tensor } from '@neurone/core';

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const AND = tensor([[0], [0], [0], [1]]);
const XOR = tensor([[0], [1], [1], [0]]);

/** Trains `model` on (X, y) with full-batch gradient descent; prints the loss going down. */
function train(model, y, { lr, steps, every }) {
  const opt = new optim.SGD(model.parameters(), { lr, momentum: 0.9 });
  let loss;
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad();
    loss = F.bceWithLogitsLoss(model.forward(X), y);
    loss.backward();
    opt.step();
    if (step === 1 || step % every === 0) console.log(`    step ${String(step).padStart(4)}  loss ${loss.item().toFixed(4)}`);
  }
  return loss.item();
}

function accuracy(model, y) {
  return noGrad(() => {
    const pred = model.forward(X).gt(0).float();
    return pred.eq(y).float().mean().item();
  });
}

function show(model) {
  return noGrad(() => model.forward(X).sigmoid().toList().map((p) => p.toFixed(2)).join(' '));
}

manualSeed(0);
console.log('neurone demo: from one neuron to a multi-layer perceptron\n');

console.log('1. A formal neuron y = sigmoid(<w, x> + b) learns AND by gradient descent:');
const neuronAnd = new nn.Linear(2, 1);
train(neuronAnd, AND, { lr: 0.5, steps: 200, every: 50 });
console.log(`   outputs for (0,0) (0,1) (1,0) (1,1): ${show(neuronAnd)}  accuracy ${(accuracy(neuronAnd, AND) * 100).toFixed(0)}%\n`);

console.log('2. The same neuron on XOR: the classes are not linearly separable.');
const neuronXor = new nn.Linear(2, 1);
train(neuronXor, XOR, { lr: 0.5, steps: 200, every: 50 });
const accXor = accuracy(neuronXor, XOR);
console.log(`   outputs: ${show(neuronXor)}  accuracy ${(accXor * 100).toFixed(0)}%: one line cannot split XOR\n`);

console.log('3. Two layers (2 -> 4 tanh -> 1), trained by backpropagation, solve XOR:');
const mlp = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 1));
train(mlp, XOR, { lr: 0.5, steps: 300, every: 50 });
const accMlp = accuracy(mlp, XOR);
console.log(`   outputs: ${show(mlp)}  accuracy ${(accMlp * 100).toFixed(0)}%`);
if (accMlp !== 1 || accXor === 1) process.exitCode = 1;
