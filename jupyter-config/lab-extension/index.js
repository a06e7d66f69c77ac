/**
 * middlepowers-lab: a JupyterLab plugin for the course's students.
 *
 * kernel-wait: Run All pressed while a notebook's kernel is still starting.
 *
 * JupyterLab 4.6 runs a code cell through `CodeCell.execute`, which returns at
 * once, clearing the cell's prompt to "[ ]" and sending nothing, when the
 * notebook's session has no kernel yet (jupyterlab/jupyterlab#8490). While a
 * notebook opens, its kernel is on its way for a second or more (many seconds
 * on a busy hub), so a student who presses Run All as the lesson appears gets
 * no outputs, no widgets and no message. This plugin makes a cell run in that
 * window wait for the kernel that is coming, then run as usual. When no kernel
 * is coming (none chosen, the notebook closed), JupyterLab's own behaviour is
 * kept.
 *
 * radio-groups: ipywidgets 8.1 draws RadioButtons as loose radio inputs: no
 * group role, no shared name, and the description ("Answer:") tied to none of
 * them. A screen reader announces neither the group nor its question, and the
 * arrow keys do not move between the options. This plugin makes each one a
 * named group: role "radiogroup", labelled by its description, and one `name`
 * shared by its inputs (one tab stop; arrow keys choose, which the widget
 * receives as a click, and which JupyterLab's notebook keys no longer take;
 * every other key still reaches JupyterLab).
 */
import { CodeCell } from '@jupyterlab/cells';

/** Longest wait for a starting kernel before giving the cell back to JupyterLab. */
const WAIT_MS = 5 * 60 * 1000;

/** True while a kernel is on its way: a session or kernel start is pending. */
export function kernelComing(sessionContext) {
  return (
    !!sessionContext &&
    !sessionContext.isDisposed &&
    !sessionContext.session?.kernel &&
    !sessionContext.hasNoKernel
  );
}

/** Resolve once the session has its kernel, no kernel is coming any more, or `timeout` ms pass. */
export function kernelArrival(sessionContext, timeout = WAIT_MS) {
  return new Promise(resolve => {
    const signals = [
      sessionContext.sessionChanged,
      sessionContext.kernelChanged,
      sessionContext.statusChanged,
      sessionContext.disposed
    ];
    let timer = null;
    const finish = () => {
      clearTimeout(timer);
      signals.forEach(signal => signal.disconnect(check));
      resolve();
    };
    function check() {
      if (!kernelComing(sessionContext)) {
        finish();
      }
    }
    timer = setTimeout(finish, timeout);
    signals.forEach(signal => signal.connect(check));
    check();
  });
}

/** Wrap `CodeCell.execute` (once) so that a cell run while its kernel starts waits for it. */
export function waitForStartingKernels(codeCell = CodeCell) {
  const execute = codeCell.execute;
  if (execute.middlepowersWaits) {
    return;
  }
  const waiting = async function (cell, sessionContext, metadata) {
    if (kernelComing(sessionContext)) {
      cell.setPrompt('*'); // queued, as JupyterLab shows a cell waiting its turn
      await kernelArrival(sessionContext);
      if (!sessionContext.session?.kernel) {
        cell.setPrompt(''); // no kernel came: JupyterLab clears the cell, which may not redraw its prompt
      }
    }
    return execute.call(this, cell, sessionContext, metadata);
  };
  waiting.middlepowersWaits = true;
  codeCell.execute = waiting;
}

let groups = 0;
const ARROWS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']);

/** Make one ipywidgets RadioButtons view (`.widget-radio`) a named radio group; idempotent. */
export function nameRadioGroup(view) {
  const box = view.querySelector(':scope > .widget-radio-box');
  if (!box) {
    return;
  }
  if (!box.dataset.mpGroup) {
    box.dataset.mpGroup = `mp-radio-${++groups}`;
  }
  box.setAttribute('role', 'radiogroup');
  const label = view.querySelector(':scope > .widget-label');
  if (label && label.textContent.trim() && label.style.display !== 'none') {
    label.id = label.id || `${box.dataset.mpGroup}-label`;
    box.setAttribute('aria-labelledby', label.id);
  }
  box.querySelectorAll('input[type="radio"]').forEach(input => {
    input.name = box.dataset.mpGroup;
  });
  if (!box.dataset.mpArrows) {
    // JupyterLab reads shortcuts from keydown events that reach the document;
    // its command-mode arrows move between cells. The arrow keys stop at the
    // group (the browser still moves between the options); every other key,
    // such as Ctrl+S or Shift+Enter, goes on to JupyterLab.
    box.dataset.mpArrows = 'true';
    box.addEventListener('keydown', event => {
      if (ARROWS.has(event.key)) {
        event.stopPropagation();
      }
    });
  }
}

/** Name every radio group in `root` now and whenever widgets are drawn or redrawn. */
export function watchRadioGroups(root = document.body) {
  const scan = node => {
    if (node.nodeType === Node.TEXT_NODE && node.parentElement) {
      node = node.parentElement; // a description drawn or changed after the group
    }
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    const view = node.closest('.widget-radio');
    if (view) {
      nameRadioGroup(view);
    }
    node.querySelectorAll('.widget-radio').forEach(nameRadioGroup);
  };
  scan(root);
  const observer = new MutationObserver(records =>
    records.forEach(record => record.addedNodes.forEach(scan))
  );
  observer.observe(root, { childList: true, subtree: true });
  return observer;
}

const kernelWait = {
  id: 'middlepowers-lab:kernel-wait',
  description: 'A cell run while its notebook\'s kernel is starting waits for the kernel instead of being skipped.',
  autoStart: true,
  activate: () => {
    waitForStartingKernels();
  }
};

const radioGroups = {
  id: 'middlepowers-lab:radio-groups',
  description: 'ipywidgets radio buttons become a named radio group (role, label, one name).',
  autoStart: true,
  activate: () => {
    watchRadioGroups();
  }
};

export default [kernelWait, radioGroups];
