import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test-support/shared-data';
import { accuracy, classificationReport, macroF1 } from './classification-metrics';
import { confusionMatrixSvg, lineChartSvg } from './svg-charts';

describe('classification metrics', () => {
  it('match sklearn on a worked example', () => {
    // sklearn: classification_report([0,0,0,1,1,2,2,2,2], [0,1,0,1,2,2,2,0,2])
    const yTrue = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const yPred = [0, 1, 0, 1, 2, 2, 2, 0, 2];
    const r = classificationReport(yTrue, yPred, ['a', 'b', 'c']);
    expect(r.accuracy).toBeCloseTo(6 / 9, 10);
    expect(r.confusion_matrix).toEqual([[2, 1, 0], [0, 1, 1], [1, 0, 3]]);
    expect(r.per_class.a).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    expect(r.per_class.b.precision).toBeCloseTo(0.5, 10);
    expect(r.per_class.c.f1).toBeCloseTo(0.75, 10);
    // sklearn f1_score(..., average='macro') = 0.638888...
    expect(r.macro_f1).toBeCloseTo((2 / 3 + 0.5 + 0.75) / 3, 10);
  });

  it('match scikit-learn per class where every row sum differs from its column sum', () => {
    // Made once by `/usr/bin/python3 bench/sklearn_classification_report.py` (Debian python3-sklearn
    // 1.2.1); the inputs, the command and the numbers are in the JSON file.
    const sk = JSON.parse(readFileSync(join(repoRoot, 'bench', 'reference', 'sklearn_classification_report.json'), 'utf8'));
    const names = ['a', 'b', 'c', 'd'];
    const r = classificationReport(sk.y_true, sk.y_pred, names);
    expect(r.confusion_matrix).toEqual(sk.confusion_matrix);
    // Support (row sums) 5, 2, 4, 2 against predictions (column sums) 4, 5, 3, 1: no class has both equal.
    const rows = r.confusion_matrix.map((row) => row.reduce((a, b) => a + b, 0));
    const cols = names.map((_, c) => r.confusion_matrix.reduce((a, row) => a + row[c], 0));
    expect(rows.every((n, c) => n !== cols[c])).toBe(true);
    names.forEach((name, c) => {
      expect(r.per_class[name].precision, `${name} precision`).toBeCloseTo(sk.precision[c], 12);
      expect(r.per_class[name].recall, `${name} recall`).toBeCloseTo(sk.recall[c], 12);
      expect(r.per_class[name].f1, `${name} f1`).toBeCloseTo(sk.f1[c], 12);
      expect(r.per_class[name].support, `${name} support`).toBe(sk.support[c]);
    });
    expect(r.accuracy).toBeCloseTo(sk.accuracy, 12);
    expect(r.macro_f1).toBeCloseTo(sk.macro_f1, 12);
    expect(macroF1(sk.y_true, sk.y_pred, 4)).toBeCloseTo(sk.macro_f1, 12);
  });

  it('averages macro F1 over classes present in truth or prediction (sklearn), zero division as 0', () => {
    expect(macroF1([0, 0], [0, 0], 4)).toBe(1);
    expect(macroF1([0, 1], [1, 1], 3)).toBeCloseTo((0 + 2 / 3) / 2, 10);
    const r = classificationReport([0, 1], [1, 1], ['x', 'y', 'z']);
    expect(r.per_class.x).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    // A class neither true nor predicted: zeros, not 0 / 0.
    expect(r.per_class.z).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // No clips at all: 0, not NaN.
    expect(accuracy([], [])).toBe(0);
    expect(macroF1([], [], 3)).toBe(0);
  });

  it('draws curves and the confusion matrix as SVG with the labels escaped', () => {
    const svg = confusionMatrixSvg([[3, 1], [0, 4]], ['<left>', 'right']);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('&lt;left&gt;');
    expect(svg).toContain('>4</text>');
    const curves = lineChartSvg('Loss', 'epoch', [{ name: 'train', values: [1, 0.5, 0.25], color: '#000' }]);
    expect(curves).toContain('<polyline');
  });
});
