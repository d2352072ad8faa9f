/**
 * The confusion matrix as a picture for a paper or a slide: counts in cells shaded by the row's
 * share (recall), true classes down, predicted across, class names on both axes.
 */
export function confusionCanvas(labels: string[], confusion: number[][], title: string): HTMLCanvasElement {
  const cell = 44;
  const font = '13px sans-serif';
  const measure = document.createElement('canvas').getContext('2d')!;
  measure.font = font;
  const nameWidth = Math.ceil(Math.max(60, ...labels.map((l) => measure.measureText(l).width))) + 16;
  const top = 40 + nameWidth;
  const left = nameWidth + 24;
  const n = labels.length;
  const canvas = document.createElement('canvas');
  measure.font = 'bold 14px sans-serif';
  canvas.width = Math.ceil(Math.max(left + n * cell + 20, measure.measureText(title).width + 20));
  canvas.height = top + n * cell + 40;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#111';
  ctx.font = 'bold 14px sans-serif';
  ctx.fillText(title, 10, 22);
  ctx.font = font;
  // Predicted classes, written upwards above their columns.
  labels.forEach((l, j) => {
    ctx.save();
    ctx.translate(left + j * cell + cell / 2 + 4, top - 8);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(l, 0, 0);
    ctx.restore();
  });
  ctx.textAlign = 'right';
  labels.forEach((l, i) => ctx.fillText(l, left - 8, top + i * cell + cell / 2 + 4));
  ctx.textAlign = 'center';
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((v, j) => {
      const share = total ? v / total : 0;
      ctx.fillStyle = i === j ? `rgba(31, 111, 235, ${0.08 + 0.85 * share})` : `rgba(207, 34, 46, ${v ? 0.1 + 0.8 * share : 0})`;
      ctx.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
      ctx.fillStyle = share > 0.55 ? '#fff' : '#111';
      ctx.fillText(String(v), left + j * cell + cell / 2, top + i * cell + cell / 2 + 4);
    });
  });
  ctx.fillStyle = '#555';
  ctx.fillText('predicted', left + (n * cell) / 2, canvas.height - 14);
  ctx.save();
  ctx.translate(14, top + (n * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('true', 0, 0);
  ctx.restore();
  return canvas;
}
