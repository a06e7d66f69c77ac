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
 *
 * clean-lessons: JupyterLab marks a notebook dirty on any change of its model,
 * outputs and execution counts included, so Run All in a lesson was autosaved
 * (the file changed on disk, with new widget ids) and closing it asked "Save
 * your work?". For a lesson (a notebook in a `notebooks/` folder), running
 * cells and answering checks are not edits: while every cell's type and source
 * are what was last loaded or saved, the lesson is kept clean, so autosave,
 * the close dialog and Save leave the file byte for byte as it was. A change
 * of a cell's source, an added, deleted or moved cell is an edit, and the
 * lesson is then saved as any notebook. Other notebooks (worksheets) are left
 * to JupyterLab: autosave keeps the student's work.
 *
 * widget-fallback: a notebook saved with live widgets (a lesson the student
 * edited, a worksheet) holds widget outputs whose models lived in a kernel
 * that is gone. Reopened, ipywidgets drew each as "Error displaying widget:
 * model not found" and logged an error. When the widget manager has restored
 * its state and the output's model is not there, the output's other
 * representation (text/html or text/plain, the "run this cell to answer"
 * preview) is shown instead; once the cell runs again, its new widget is
 * drawn as usual.
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

/** A lesson: a notebook in a `notebooks/` folder (at the server's root, or in a pulled course folder). */
export const LESSON_PATH = /(^|\/)notebooks\/[^/]+\.ipynb$/;

export function isLesson(path) {
  return LESSON_PATH.test(path || '');
}

/** What counts as the student's edit: each cell's type and source, in order. */
export function cellSources(model) {
  return model.sharedModel.cells.map(cell => `${cell.cell_type}\u0000${cell.getSource()}`);
}

function sameSources(a, b) {
  return a.length === b.length && a.every((source, i) => source === b[i]);
}

/**
 * Keep a lesson's document clean while no cell source differs from the file
 * last loaded or saved: outputs, execution counts and metadata written by
 * running it are not edits. Idempotent per context; the path is read at each
 * check, so a lesson moved out of `notebooks/` is saved as any notebook.
 */
/**
 * Make `shared` (a notebook's shared model) ignore "dirty" while `clean()` says so.
 *
 * Outputs, execution counts, metadata and cell changes mark the document dirty
 * through its `dirty` setter, after their own change is applied (so a source
 * or cell-list change is already seen by `clean`). Refusing the mark there
 * costs nothing while Run All writes output after output: the document never
 * turns dirty, no state change is sent around, no tab is redrawn. Typing in
 * an editor marks the document itself (JupyterLab's editor binding), and is
 * never refused.
 */
export function holdCleanWhile(shared, clean) {
  let proto = Object.getPrototypeOf(shared);
  while (proto && !Object.getOwnPropertyDescriptor(proto, 'dirty')) {
    proto = Object.getPrototypeOf(proto);
  }
  const own = proto && Object.getOwnPropertyDescriptor(proto, 'dirty');
  if (!own || !own.get || !own.set || Object.getOwnPropertyDescriptor(shared, 'dirty')) {
    return false;
  }
  Object.defineProperty(shared, 'dirty', {
    configurable: true,
    get() {
      return own.get.call(this);
    },
    set(value) {
      if (value && !own.get.call(this) && clean()) {
        return;
      }
      own.set.call(this, value);
    }
  });
  return true;
}

export function keepLessonClean(context) {
  if (context.middlepowersClean) {
    return;
  }
  context.middlepowersClean = true;
  let saved = null;
  // Set by any change of a source or of the cell list; until then a dirty lesson is known unedited
  // without reading its sources (Run All turns it dirty at every output)
  let touched = false;
  let pending = false;
  const snapshot = () => {
    saved = cellSources(context.model);
    touched = false;
  };
  const unedited = () => {
    if (saved === null) {
      return false;
    }
    if (touched && sameSources(saved, cellSources(context.model))) {
      touched = false; // edited back to the file's sources
    }
    return !touched;
  };
  const watchCell = cell => {
    if (!cell.middlepowersWatched) {
      cell.middlepowersWatched = true;
      cell.changed.connect((_, change) => {
        if (change.sourceChange) {
          touched = true;
        }
      });
    }
  };
  const check = () => {
    pending = false;
    if (!context.isDisposed && isLesson(context.path) && context.model.dirty && unedited()) {
      context.model.dirty = false;
    }
  };
  context.ready.then(() => {
    if (context.isDisposed) {
      return;
    }
    const shared = context.model.sharedModel;
    shared.cells.forEach(watchCell);
    shared.changed.connect((_, change) => {
      if (change.cellsChange) {
        touched = true;
        shared.cells.forEach(watchCell);
      }
    });
    snapshot();
    holdCleanWhile(shared, () => isLesson(context.path) && unedited());
    context.model.stateChanged.connect((_, change) => {
      // The check waits for the change in hand to finish (a microtask: before any autosave timer)
      if (change.name === 'dirty' && change.newValue && !pending) {
        pending = true;
        queueMicrotask(check);
      }
    });
    check();
  });
  context.fileChanged.connect(() => {
    if (context.isReady) {
      snapshot(); // saved or reverted: this is the file now
    }
  });
  const save = context.save;
  context.save = function (...args) {
    // Save (Ctrl+S) on a lesson not edited writes nothing: the file already holds its cells
    if (context.isReady && isLesson(context.path) && unedited()) {
      context.model.dirty = false;
      return Promise.resolve();
    }
    return save.apply(this, args);
  };
}

export const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';

function clear(renderer) {
  while (renderer.widgets.length) {
    renderer.widgets[0].dispose();
  }
  renderer.node.textContent = '';
  renderer.removeClass('mp-widget-fallback');
  renderer.show();
}

/** Draw `model`'s representation other than the widget (text/html, text/plain) in `renderer`. */
async function drawFallback(renderer, model, rendermime) {
  const data = { ...model.data };
  delete data[WIDGET_MIME];
  clear(renderer);
  renderer.removeClass('jupyter-widgets');
  const mime = rendermime.preferredMimeType(data, model.trusted ? 'any' : 'ensure');
  if (!mime) {
    renderer.hide();
    return;
  }
  const fallback = rendermime.createRenderer(mime);
  renderer.addClass('mp-widget-fallback');
  renderer.addWidget(fallback);
  await fallback.renderModel({ data, metadata: model.metadata || {}, trusted: model.trusted, setData: () => {} });
}

/** Resolve when `manager` has restored its widgets (from the kernel and the notebook). */
function restored(manager) {
  if (manager.restoredStatus) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const done = () => {
      manager.restored.disconnect(done);
      resolve();
    };
    manager.restored.connect(done);
  });
}

/**
 * Make one ipywidgets WidgetRenderer draw its output's fallback when its model
 * is missing. Until the widget manager has restored (the kernel is still
 * coming), the fallback is shown; then the widget is drawn if its model is
 * there, else the fallback stays. (ipywidgets itself waits 2 s for the model,
 * by when the manager has restored, and shows "model not found".) The renderer
 * stays the same object: ipywidgets finds its renderers by class, to hand
 * them their manager.
 */
export function fallBackWhenModelMissing(renderer, rendermime) {
  if (renderer.middlepowersFallback || typeof renderer.renderModel !== 'function') {
    return renderer;
  }
  renderer.middlepowersFallback = true;
  const render = renderer.renderModel;
  renderer.renderModel = async function (model) {
    const source = model.data[WIDGET_MIME];
    const waiting = this._manager && this._manager.promise;
    if (!source || !source.model_id || !waiting) {
      return render.call(this, model);
    }
    const manager = await waiting;
    if (!manager || typeof manager.has_model !== 'function' || manager.has_model(source.model_id)) {
      return render.call(this, model); // a live widget: drawn at once, as before
    }
    if (!manager.restoredStatus) {
      await drawFallback(this, model, rendermime);
      await restored(manager);
      if (this.isDisposed) {
        return;
      }
      if (manager.has_model(source.model_id)) {
        clear(this);
        return render.call(this, model);
      }
      return;
    }
    return drawFallback(this, model, rendermime);
  };
  return renderer;
}

function wrapWidgetFactory(factory, rendermime) {
  if (!factory || factory.middlepowersFallback) {
    return factory;
  }
  return {
    safe: factory.safe,
    mimeTypes: factory.mimeTypes,
    defaultRank: factory.defaultRank,
    middlepowersFallback: true,
    createRenderer: options => fallBackWhenModelMissing(factory.createRenderer(options), rendermime)
  };
}

/** Wrap the widget renderer factory of a notebook's rendermime, now and whenever ipywidgets replaces it. */
export function widgetFallback(rendermime) {
  if (!rendermime || rendermime.middlepowersFallback) {
    return;
  }
  rendermime.middlepowersFallback = true;
  const addFactory = rendermime.addFactory;
  rendermime.addFactory = function (factory, rank) {
    if (factory && (factory.mimeTypes || []).includes(WIDGET_MIME)) {
      factory = wrapWidgetFactory(factory, rendermime);
    }
    return addFactory.call(this, factory, rank);
  };
  const current = rendermime.getFactory(WIDGET_MIME);
  if (current && !current.middlepowersFallback) {
    rendermime.addFactory(current, rendermime.getRank(WIDGET_MIME));
  }
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

const cleanLessons = {
  id: 'middlepowers-lab:clean-lessons',
  description: 'Running a lesson (notebooks/) and answering its checks leave the file unchanged; editing a cell is saved.',
  autoStart: true,
  activate: app => {
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel, context) => {
        keepLessonClean(context);
      }
    });
  }
};

const widgetFallbackPlugin = {
  id: 'middlepowers-lab:widget-fallback',
  description: 'A saved widget output whose model is gone shows its text fallback, not "model not found".',
  autoStart: true,
  activate: app => {
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: panel => {
        widgetFallback(panel.content.rendermime);
      }
    });
  }
};

export default [kernelWait, radioGroups, cleanLessons, widgetFallbackPlugin];
