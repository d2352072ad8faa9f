import { describe, expect, it } from 'vitest';
import { classificationReport, macroF1 } from './classification-metrics';
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

  it('averages macro F1 over classes present in truth or prediction (sklearn), zero division as 0', () => {
    expect(macroF1([0, 0], [0, 0], 4)).toBe(1);
    expect(macroF1([0, 1], [1, 1], 3)).toBeCloseTo((0 + 2 / 3) / 2, 10);
    const r = classificationReport([0, 1], [1, 1], ['x', 'y', 'z']);
    expect(r.per_class.x).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.per_class.z.support).toBe(0);
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
