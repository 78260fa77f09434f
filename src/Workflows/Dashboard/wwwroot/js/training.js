// Training curves: one loss chart per stage that has a loss.jsonl (CPT, SFT, student pre-training, distillation).
import { getJson, enc } from './api.js';
import { el, number, stageLabels } from './dom.js';
import { lineChart } from './chart.js';

export async function renderTraining(run) {
  if (!run || !run.lossStages.length) return null;
  const cards = await Promise.all(run.lossStages.map(async stage => {
    const curve = await getJson(`/api/runs/${enc(run.runId)}/loss/${enc(stage)}?maxPoints=800`);
    if (!curve) return null;
    const points = curve.points.map(p => ({ x: p.step, y: p.loss }));
    const evals = curve.evaluations.flatMap(e => Object.entries(e.metrics).filter(([k]) => /loss/i.test(k)).map(([k, v]) => ({ x: e.step, y: v, label: `${k} ${number(v)} at step ${e.step}` })));
    const last = curve.points.at(-1);
    return el('div', { class: 'card', 'data-stage': stage },
      el('h2', {}, stageLabels[stage] || stage),
      lineChart(points, { markers: evals }),
      el('div', { class: 'muted' }, `${curve.totalPoints} updates`,
        last ? `; last step ${last.step}, loss ${number(last.loss)}${last.learningRate !== null ? `, lr ${last.learningRate.toExponential(2)}` : ''}` : '',
        curve.evaluations.length ? `; ${curve.evaluations.length} evaluations (dots)` : ''));
  }));
  return el('section', { id: 'training' }, el('h2', {}, 'Training curves'), el('div', { class: 'grid' }, ...cards.filter(Boolean)));
}
