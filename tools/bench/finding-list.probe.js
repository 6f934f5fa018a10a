/* global window, document, location, requestAnimationFrame, MutationObserver */
/**
 * In-page probe of tools/bench/finding-list.ts, installed in every page it
 * opens (page.addInitScript). All timing happens here, in the page, on the
 * page's own clock (performance.now(), requestAnimationFrame, observers):
 * nothing crosses to Node while it is measured.
 */
(() => {
  const ROW_SELECTOR = '[role="row"][aria-rowindex="2"][data-finding-id]';
  const grid = () => document.querySelector('[role="grid"]');
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

  /**
   * Runs `act` (a navigation, a filter change), then resolves with the
   * milliseconds until the list shows the first rows it asked for: in the DOM
   * (a MutationObserver sees the grid no longer busy, with its first data
   * row), and painted (the frame after that has been produced); and how long
   * the page's `findings.query` requests took on the wire (resource timing).
   */
  function untilRows(act) {
    performance.clearResourceTimings();
    return new Promise((resolve, reject) => {
      let sawBusy = false;
      let done = false;
      let t0 = 0;
      const check = () => {
        const g = grid();
        if (done || !g) return;
        if (g.getAttribute('aria-busy') === 'true') sawBusy = true;
        if (!sawBusy || g.getAttribute('aria-busy') === 'true' || !g.querySelector(ROW_SELECTOR)) return;
        done = true;
        observer.disconnect();
        const inDom = performance.now() - t0;
        // rAF runs before the frame is painted; a task queued from it runs after.
        requestAnimationFrame(() => setTimeout(() => {
          const fetches = performance.getEntriesByType('resource').filter((e) => e.name.includes('/rpc/findings.query'));
          resolve({ inDom, painted: performance.now() - t0, fetch: fetches.length > 0 ? fetches[0].duration : null, rows: g.querySelectorAll('[role="row"]').length - 1 });
        }, 0));
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-busy', 'data-finding-id'] });
      setTimeout(() => {
        if (done) return;
        observer.disconnect();
        reject(new Error('the list showed no rows within 15 s'));
      }, 15_000);
      t0 = performance.now();
      act();
      check();
    });
  }

  const selectByLabel = (label, value) => {
    const select = [...document.querySelectorAll('select')].find((s) => s.labels?.[0]?.textContent?.trim() === label);
    if (!select) throw new Error(`no select labelled ${label}`);
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const clickButton = (name) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim().startsWith(name));
    if (!button) throw new Error(`no button ${name}`);
    button.click();
  };

  /**
   * Scrolls `selector` by `pxPerFrame` every frame for `ms` (back to the top
   * at the end), from requestAnimationFrame, and records each frame's time
   * (rAF to rAF), the long animation frames (or long tasks) the browser
   * reports meanwhile, the most rows in the DOM at once, and the frames that
   * showed a row still loading where the user looks.
   */
  async function scrollRun(selector, pxPerFrame, ms) {
    const el = document.querySelector(selector);
    if (!el) throw new Error(`nothing matches ${selector}`);
    const type = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame') ? 'long-animation-frame' : 'longtask';
    const long = [];
    /** Where long frames went: script time by what invoked it (long-animation-frame attribution). */
    const blame = {};
    const po = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        long.push(e.duration);
        for (const script of e.scripts ?? []) {
          const what = `${script.invokerType ?? ''} ${script.invoker ?? ''}`.trim().slice(0, 60);
          blame[what] = (blame[what] ?? 0) + script.duration;
        }
      }
    });
    el.scrollTop = 0;
    await nextFrame();
    await nextFrame();
    po.observe({ type, buffered: false });
    const deltas = [];
    let maxRows = 0;
    let loadingFrames = 0;
    let distance = 0;
    const rowHeight = el.querySelector('[role="row"]')?.getBoundingClientRect().height || 34;
    await new Promise((resolve) => {
      const t0 = performance.now();
      let last = t0;
      const frame = (now) => {
        deltas.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length);
        // A row still loading inside the visible band (rows are placed by index).
        const top = el.scrollTop / rowHeight;
        const bottom = (el.scrollTop + el.clientHeight) / rowHeight;
        for (const row of el.querySelectorAll('[aria-busy="true"][data-index]')) {
          const i = Number(row.dataset.index);
          if (i + 1 > top && i < bottom) {
            loadingFrames++;
            break;
          }
        }
        const max = el.scrollHeight - el.clientHeight;
        const next = el.scrollTop + pxPerFrame;
        el.scrollTop = next > max ? 0 : next;
        distance += pxPerFrame;
        if (now - t0 < ms) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the observer's last entries
    po.disconnect();
    return { deltas: deltas.slice(1), long, blame, longType: type, maxRows, loadingFrames, distance };
  }

  /**
   * Jumps the list to `fraction` of its length (as dragging the scrollbar
   * does) and resolves with the milliseconds until no row in view is still
   * loading, and the first row index in view.
   */
  function jumpTo(selector, fraction) {
    const el = document.querySelector(selector);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      el.scrollTop = Math.round((el.scrollHeight - el.clientHeight) * fraction);
      const rowHeight = 34;
      const poll = () => {
        const top = el.scrollTop / rowHeight;
        const bottom = (el.scrollTop + el.clientHeight) / rowHeight;
        const rows = [...el.querySelectorAll('[data-index]')].filter((r) => Number(r.dataset.index) + 1 > top && Number(r.dataset.index) < bottom);
        if (rows.length > 0 && rows.every((r) => r.getAttribute('aria-busy') !== 'true')) {
          resolve({ ms: performance.now() - t0, row: Math.floor(top) });
        } else if (performance.now() - t0 > 30_000) {
          reject(new Error('rows still loading after 30 s'));
        } else {
          requestAnimationFrame(poll);
        }
      };
      requestAnimationFrame(poll);
    });
  }

  /** A page of `rows` plain rows in a scroller `width`×`height`: the baseline, the cost of scrolling the same DOM without any list. */
  function staticPage(rows, width, height) {
    document.body.style.margin = '0';
    document.body.style.font = '14px system-ui, sans-serif';
    const cells = (i) => [
      '<span>☐</span>', `<span>plate-${String(i).padStart(4, '0')}.jpg</span>`, '<span>■ scratches</span>', `<span>${(1 - i / rows).toFixed(2)}</span>`,
      '<span>proposed</span>', '<span>50×40</span>', '<span>—</span>',
    ].join('');
    const row = (i) => `<div role="row" style="display:grid;grid-template-columns:28px 2fr 1.4fr 56px 92px 92px 1fr;gap:8px;height:34px;box-sizing:border-box;padding:0 10px;align-items:center;border-bottom:1px solid #ddd">${cells(i)}</div>`;
    document.body.innerHTML = `<div id="static" style="width:${width}px;height:${height}px;overflow-y:auto">${Array.from({ length: rows }, (_, i) => row(i)).join('')}</div>`;
  }

  window.chittiBench = {
    untilRows,
    openList: (hash) => untilRows(() => {
      location.hash = hash;
    }),
    selectFilter: (label, value) => untilRows(() => selectByLabel(label, value)),
    clickOrder: (name) => untilRows(() => clickButton(name)),
    scrollRun,
    jumpTo,
    staticPage,
  };
})();
