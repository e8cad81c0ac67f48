// The loss-curve PNG: training and validation loss (nats/char) against training minutes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import type { LossPoint } from './checkpoint.js';

const W = 900;
const H = 540;
const M = { left: 70, right: 30, top: 50, bottom: 60 };

/**
 * Draws both curves and writes the PNG atomically (temp file, then rename).
 *
 * Example:
 *   plotLossCurve('speeches.png', { trainCurve, valCurve }, { title: 'speeches' });
 */
export function plotLossCurve(
  file: string,
  curves: { trainCurve: readonly LossPoint[]; valCurve: readonly LossPoint[] },
  opts: { title?: string } = {},
): void {
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);

  const all = [...curves.trainCurve, ...curves.valCurve].filter((p) => Number.isFinite(p.loss));
  const xMax = niceCeil(Math.max(1e-3, ...all.map((p) => p.seconds / 60)));
  const losses = all.map((p) => p.loss);
  let yMin = losses.length ? Math.min(...losses) : 0;
  let yMax = losses.length ? Math.max(...losses) : 1;
  if (yMax - yMin < 1e-6) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  yMin = Math.max(0, Math.floor(yMin * 10) / 10 - 0.1);
  yMax = Math.ceil(yMax * 10) / 10;
  const px = (minutes: number) => M.left + (minutes / xMax) * (W - M.left - M.right);
  const py = (loss: number) => H - M.bottom - ((loss - yMin) / (yMax - yMin)) * (H - M.top - M.bottom);

  // grid and ticks
  g.strokeStyle = '#e5e5e5';
  g.fillStyle = '#333333';
  g.font = '13px sans-serif';
  g.lineWidth = 1;
  for (const t of ticks(0, xMax, 8)) {
    g.beginPath();
    g.moveTo(px(t), M.top);
    g.lineTo(px(t), H - M.bottom);
    g.stroke();
    g.textAlign = 'center';
    g.fillText(fmt(t), px(t), H - M.bottom + 18);
  }
  for (const t of ticks(yMin, yMax, 8)) {
    g.beginPath();
    g.moveTo(M.left, py(t));
    g.lineTo(W - M.right, py(t));
    g.stroke();
    g.textAlign = 'right';
    g.fillText(fmt(t), M.left - 8, py(t) + 4);
  }
  g.strokeStyle = '#333333';
  g.strokeRect(M.left, M.top, W - M.left - M.right, H - M.top - M.bottom);
  g.textAlign = 'center';
  g.fillText('training time (minutes)', (M.left + W - M.right) / 2, H - 18);
  g.save();
  g.translate(20, (M.top + H - M.bottom) / 2);
  g.rotate(-Math.PI / 2);
  g.fillText('loss (nats per character)', 0, 0);
  g.restore();
  g.font = 'bold 15px sans-serif';
  g.fillText(opts.title ?? 'loss', W / 2, 30);

  const line = (pts: readonly LossPoint[], color: string, width: number, dots: boolean) => {
    const ok = pts.filter((p) => Number.isFinite(p.loss));
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = width;
    g.beginPath();
    ok.forEach((p, i) => (i === 0 ? g.moveTo(px(p.seconds / 60), py(p.loss)) : g.lineTo(px(p.seconds / 60), py(p.loss))));
    g.stroke();
    if (dots) {
      for (const p of ok) {
        g.beginPath();
        g.arc(px(p.seconds / 60), py(p.loss), 3.5, 0, 2 * Math.PI);
        g.fill();
      }
    }
  };
  line(curves.trainCurve, '#4c78a8', 1.5, false);
  line(curves.valCurve, '#e45756', 2, true);

  // legend
  const lastVal = curves.valCurve.at(-1);
  const legend: [string, string][] = [
    ['#4c78a8', 'training (mean per 10 steps)'],
    ['#e45756', `validation${lastVal ? `: ${lastVal.loss.toFixed(3)} at step ${lastVal.step}` : ''}`],
  ];
  g.font = '13px sans-serif';
  g.textAlign = 'left';
  legend.forEach(([color, label], i) => {
    const y = M.top + 20 + i * 20;
    g.fillStyle = color;
    g.fillRect(W - M.right - 250, y - 9, 14, 4);
    g.fillStyle = '#333333';
    g.fillText(label, W - M.right - 230, y - 3);
  });

  const bytes = canvas.toBuffer('image/png');
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

function ticks(lo: number, hi: number, n: number): number[] {
  const step = niceStep((hi - lo) / n);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function niceCeil(v: number): number {
  const s = niceStep(v / 8);
  return Math.ceil(v / s) * s;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
