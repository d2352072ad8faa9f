/** Every keyboard shortcut of the studio, for the `?` help (keep in step with the views' handlers). */
export const shortcutGroups: { view: string; keys: [string, string][] }[] = [
  {
    view: 'Everywhere',
    keys: [
      ['?', 'show or hide this list of shortcuts'],
      ['Esc', 'close this list'],
    ],
  },
  {
    view: 'Project',
    keys: [
      ['Ctrl+Z', 'undo the last relabel or class change (add, rename, merge)'],
      ['Ctrl+Shift+Z or Ctrl+Y', 'redo'],
    ],
  },
  {
    view: 'Clips',
    keys: [
      ['1 – 9', 'relabel the open clip (or the marked clips) as class 1 – 9 of the list'],
      ['N or J', 'next clip'],
      ['K', 'previous clip'],
      ['↑ ↓, Page Up / Down, Home / End', 'move in the list (when it has the focus)'],
      [',', 'previous video frame'],
      ['.', 'next video frame'],
      ['Ctrl+Z', 'undo the last relabel or class change'],
      ['Ctrl+Shift+Z or Ctrl+Y', 'redo'],
      ['Ctrl-click / Shift-click', 'mark a clip / a range of clips for a bulk relabel'],
      ['type in Label (or Relabel as)', 'find a class; ↑ ↓ choose, Enter relabels, Esc closes; "Create class …" makes the class typed and relabels into it'],
    ],
  },
  {
    view: 'Evaluation',
    keys: [
      ['Ctrl+Z', 'undo the last relabel'],
      ['Ctrl+Shift+Z or Ctrl+Y', 'redo'],
    ],
  },
  { view: 'Predict', keys: [[', and .', 'previous / next video frame']] },
];
