// The connectivity page (`GET /ui`) lives in the binary, so a deployment has nothing else to ship
// or keep in step: these literals are the page, edited here. `scripts/ui-check.py` drives it in a
// headless browser against a server; `Tests/PolicyAPITests/UIRoutesTests.swift` checks the routes.
// The raw-string delimiter `##"""` ends only at `"""##` and interpolates only at `\##(`, which
// neither CSS nor JavaScript writes (`"#`, as in a selector string, is harmless). Swift strips the
// closing delimiter's indentation (8 spaces) from every line, so the text is served from column 0.

/// The documents of the connectivity page: HTML, CSS and JavaScript with no external reference,
/// served under a Content-Security-Policy that allows this origin only: no inline script and no
/// style attribute, so the page sets styles through the CSSOM.
enum ConnectivityPage {
    /// `GET /ui`: the document.
    static let html: [UInt8] = Array(
        ##"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>netpold · connectivity</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='7' height='7' rx='1' fill='%231a4f9c'/%3E%3Crect x='9' width='7' height='7' rx='1' fill='%238dbbe9'/%3E%3Crect y='9' width='7' height='7' rx='1' fill='%23d3e4f7'/%3E%3Crect x='9' y='9' width='7' height='7' rx='1' fill='%233f86d0'/%3E%3C/svg%3E">
        <link rel="stylesheet" href="/ui/app.css">
        <script src="/ui/app.js" defer></script>
        </head>
        <body>
        <header class="topbar">
          <div class="brand"><span class="logo" aria-hidden="true"></span>netpold <span class="brand-sub">connectivity</span></div>
          <div class="topbar-right">
            <span id="revision" class="revision" data-revision="" title="The store revision the matrix was computed on">no revision yet</span>
            <button id="refresh" type="button" class="button">Refresh</button>
            <button id="settings-toggle" type="button" class="button ghost" aria-expanded="false" aria-controls="settings">Token</button>
          </div>
        </header>
        <form id="settings" class="settings" hidden>
          <label for="token">Bearer token for API calls (kept in this browser's localStorage only)</label>
          <div class="settings-row">
            <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="none: the server needs no token">
            <button type="submit" class="button">Save</button>
            <button id="token-clear" type="button" class="button ghost">Clear</button>
          </div>
        </form>
        <div id="error" class="error" role="alert" hidden></div>
        <section class="controls" aria-label="Filters">
          <div class="segmented" role="group" aria-label="Matrix of">
            <button id="view-namespace" type="button" aria-pressed="true">Namespaces</button>
            <button id="view-workload" type="button" aria-pressed="false">Workloads</button>
          </div>
          <label class="field">Namespaces
            <input id="ns-filter" type="text" list="ns-list" autocomplete="off" spellcheck="false" placeholder="all, or e.g. shop,payments">
            <datalist id="ns-list"></datalist>
          </label>
          <label class="field">Pod labels
            <input id="label-filter" type="text" autocomplete="off" spellcheck="false" placeholder="e.g. app=web, tier!=db">
          </label>
          <label class="field narrow">Port
            <input id="port-filter" type="number" min="1" max="65535" placeholder="any">
          </label>
          <label class="field narrow">Protocol
            <select id="protocol-filter"><option>TCP</option><option>UDP</option><option>SCTP</option></select>
          </label>
          <span id="filter-note" class="muted"></span>
        </section>
        <main class="layout">
          <div class="main-column">
            <section class="panel matrix-panel" aria-labelledby="matrix-title">
              <div class="panel-head">
                <div>
                  <h2 id="matrix-title">Namespace → namespace</h2>
                  <p id="matrix-summary" class="muted">Loading…</p>
                </div>
                <div id="legend" class="legend" aria-label="Legend"></div>
              </div>
              <div id="matrix" class="matrix" role="grid" tabindex="0" aria-labelledby="matrix-title" data-view="namespace" data-size="0"></div>
                <div id="matrix-status" class="visually-hidden" aria-live="polite"></div>
            </section>
            <section class="panel" aria-labelledby="reach-heading">
              <div class="panel-head">
                <div>
                  <h2 id="reach-heading">Pod reachability</h2>
                  <p class="muted">Pick a pod: who can reach it, and what it can reach.</p>
                </div>
              </div>
              <div class="combo">
                <input id="pod-search" type="search" role="combobox" aria-expanded="false" aria-controls="pod-options" aria-autocomplete="list" autocomplete="off" spellcheck="false" placeholder="Search pods by namespace/name or label">
                <ul id="pod-options" class="options" role="listbox" hidden></ul>
              </div>
              <div id="picked-pod" class="picked" hidden></div>
              <div class="reach-grid">
                <div>
                  <h3>Who can reach it <span id="reach-to-count" class="count"></span></h3>
                  <div id="reach-to" class="reach" data-state="empty"><p class="muted">No pod picked.</p></div>
                </div>
                <div>
                  <h3>What it can reach <span id="reach-from-count" class="count"></span></h3>
                  <div id="reach-from" class="reach" data-state="empty"><p class="muted">No pod picked.</p></div>
                </div>
              </div>
            </section>
          </div>
          <aside class="side">
            <section class="panel pairs-panel" aria-labelledby="pairs-heading">
              <div class="panel-head">
                <div>
                  <h2 id="pairs-heading">Pod pairs</h2>
                  <p id="pairs-title" class="muted">Click a cell of the matrix to list its pod pairs and what decides each.</p>
                </div>
              </div>
              <div id="pairs-tabs" class="segmented small" role="group" aria-label="Show pairs" hidden>
                <button type="button" data-show="all" aria-pressed="true">All</button>
                <button type="button" data-show="allowed" aria-pressed="false">Allowed</button>
                <button type="button" data-show="denied" aria-pressed="false">Denied</button>
              </div>
              <ul id="pairs" class="pairs"></ul>
              <div id="pairs-pager" class="pager" hidden>
                <button id="pairs-prev" type="button" class="button ghost">← Previous</button>
                <span id="pairs-page" class="muted"></span>
                <button id="pairs-next" type="button" class="button ghost">Next →</button>
              </div>
            </section>
          </aside>
        </main>
        <div id="tooltip" class="tooltip" role="tooltip" hidden></div>
        </body>
        </html>
        """##.utf8)

    /// `GET /ui/app.css`.
    static let style: [UInt8] = Array(
        ##"""
        :root {
          --bg: #f5f6f8;
          --panel: #ffffff;
          --text: #1d2330;
          --muted: #636b7a;
          --line: #e2e5ea;
          --line-strong: #c9ced6;
          --accent: #2563c9;
          --accent-soft: #e6eefb;
          --accent-ink: #ffffff;
          --danger: #b42318;
          --danger-soft: #fdecea;
          --ok: #137a3d;
          --share-0: #eceef1;
          --share-low: #d3e4f7;
          --share-mid: #8dbbe9;
          --share-high: #3f86d0;
          --share-all: #1a4f9c;
          --share-ink: #ffffff;
          --na-a: #f6f7f9;
          --na-b: #e7e9ed;
          --mono: ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "Liberation Mono", monospace;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #12151b;
            --panel: #1a1e26;
            --text: #e4e7ec;
            --muted: #98a1b0;
            --line: #2b313c;
            --line-strong: #3a414e;
            --accent: #6aa3ff;
            --accent-soft: #1e2b44;
            --accent-ink: #0d1522;
            --danger: #ff8a80;
            --danger-soft: #3a1f1f;
            --ok: #5fd38d;
            --share-0: #252a33;
            --share-low: #1f3a5c;
            --share-mid: #2c5f9b;
            --share-high: #4a8fdc;
            --share-all: #8cc0ff;
            --share-ink: #0d1522;
            --na-a: #1d2129;
            --na-b: #262b34;
          }
        }
        * { box-sizing: border-box; }
        /* Components below set their own display; `hidden` must still win. */
        [hidden] { display: none !important; }
        html, body { margin: 0; }
        body {
          background: var(--bg);
          color: var(--text);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          -webkit-font-smoothing: antialiased;
        }
        h2 { font-size: 15px; margin: 0; font-weight: 650; }
        h3 { font-size: 13px; margin: 14px 0 6px; font-weight: 650; display: flex; align-items: baseline; gap: 6px; }
        p { margin: 2px 0 0; }
        .muted { color: var(--muted); }
        .count { color: var(--muted); font-weight: 500; }
        code, .mono, .pod, .ports { font-family: var(--mono); font-size: 12.5px; }
        button { font: inherit; color: inherit; }
        input, select { font: inherit; color: inherit; }

        .topbar {
          display: flex; align-items: center; justify-content: space-between; gap: 12px;
          padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line);
          position: sticky; top: 0; z-index: 20;
        }
        .brand { font-weight: 700; font-size: 16px; display: flex; align-items: center; gap: 8px; letter-spacing: -0.01em; }
        .brand-sub { font-weight: 450; color: var(--muted); }
        .logo {
          width: 18px; height: 18px; border-radius: 4px; display: inline-block;
          background: linear-gradient(135deg, var(--share-low) 0 33%, var(--share-high) 33% 66%, var(--share-all) 66%);
        }
        .topbar-right { display: flex; align-items: center; gap: 8px; }
        .revision {
          font-family: var(--mono); font-size: 12px; padding: 3px 8px; border-radius: 999px;
          background: var(--accent-soft); color: var(--accent); white-space: nowrap;
        }
        .revision.stale { background: var(--danger-soft); color: var(--danger); cursor: pointer; }

        .button {
          border: 1px solid var(--line-strong); background: var(--panel); border-radius: 6px;
          padding: 4px 10px; cursor: pointer; line-height: 1.4;
        }
        .button:hover { border-color: var(--accent); }
        .button.ghost { background: transparent; }
        .button:disabled { opacity: 0.45; cursor: default; border-color: var(--line-strong); }
        button:focus-visible, input:focus-visible, select:focus-visible, .matrix:focus-visible {
          outline: 2px solid var(--accent); outline-offset: 1px;
        }

        .settings { padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
        .settings label { display: block; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
        .settings-row { display: flex; gap: 8px; max-width: 640px; }
        .settings-row input { flex: 1; }
        .error {
          margin: 10px 20px 0; padding: 8px 12px; border-radius: 6px;
          background: var(--danger-soft); color: var(--danger); border: 1px solid var(--danger);
        }

        .controls {
          display: flex; flex-wrap: wrap; align-items: flex-end; gap: 10px 14px; padding: 12px 20px 0;
        }
        .field { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
        .field input, .field select, .combo input, .settings input {
          border: 1px solid var(--line-strong); border-radius: 6px; background: var(--panel);
          padding: 5px 8px; min-width: 200px; color: var(--text);
        }
        .field.narrow input, .field.narrow select { min-width: 0; width: 92px; }
        .field input.invalid { border-color: var(--danger); }
        .segmented { display: inline-flex; border: 1px solid var(--line-strong); border-radius: 7px; overflow: hidden; background: var(--panel); }
        .segmented button { border: 0; background: transparent; padding: 5px 12px; cursor: pointer; }
        .segmented button + button { border-left: 1px solid var(--line-strong); }
        .segmented button[aria-pressed="true"] { background: var(--accent); color: var(--accent-ink); }
        .segmented.small { align-self: flex-start; }
        .segmented.small button { padding: 2px 10px; font-size: 12px; }
        #filter-note { font-size: 12px; padding-bottom: 6px; }

        .layout {
          display: grid; grid-template-columns: minmax(0, 1fr) minmax(340px, 440px); gap: 14px;
          padding: 12px 20px 20px; align-items: start;
        }
        @media (max-width: 1100px) {
          .layout { grid-template-columns: minmax(0, 1fr); }
        }
        .panel {
          background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
          padding: 12px 14px; min-width: 0;
        }
        .main-column, .side { display: flex; flex-direction: column; gap: 14px; min-width: 0; }
        .pairs-panel {
          position: sticky; top: 64px; max-height: calc(100vh - 78px); display: flex; flex-direction: column;
        }
        .pairs-panel > * { flex-shrink: 0; }
        .pairs-panel > .pairs { overflow: auto; flex: 1 1 auto; min-height: 0; }
        @media (max-width: 1100px) {
          .pairs-panel { position: static; max-height: none; }
        }
        .panel-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px; flex-wrap: wrap; margin-bottom: 10px; }

        .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--muted); }
        .legend-item { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }
        .legend .swatch { width: 14px; height: 14px; border-radius: 3px; border: 1px solid var(--line-strong); }

        /* The matrix: a scroll box holding a sized canvas of absolutely placed cells. Only the rows and
           columns in view exist in the DOM; the headers stick to the top and left edges. */
        .matrix {
          position: relative; overflow: auto; max-height: calc(100vh - 230px); min-height: 120px;
          width: fit-content; max-width: 100%;
          border: 1px solid var(--line); border-radius: 8px; background: var(--panel);
          overscroll-behavior: contain;
        }
        .mx-sizer { position: relative; }
        .mx-colhead {
          position: sticky; top: 0; z-index: 3; background: var(--panel);
          border-bottom: 1px solid var(--line-strong);
        }
        .mx-corner {
          position: sticky; left: 0; z-index: 4; height: 100%; background: var(--panel);
          border-right: 1px solid var(--line-strong); display: flex; flex-direction: column; justify-content: flex-end;
          padding: 6px 8px; font-size: 11px; color: var(--muted); gap: 2px;
        }
        .mx-corner b { color: var(--text); font-weight: 600; }
        .mx-body { position: relative; }
        .mx-rowhead {
          position: sticky; left: 0; z-index: 2; background: var(--panel);
          border-right: 1px solid var(--line-strong);
        }
        .mx-row, .mx-col {
          position: absolute; left: 0; top: 0; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;
          font-family: var(--mono); font-size: 12px; color: var(--text); cursor: default;
        }
        .mx-row { padding: 0 8px; display: flex; align-items: center; gap: 4px; }
        .mx-col {
          writing-mode: vertical-rl; padding: 6px 0; display: flex; align-items: center; justify-content: flex-end;
        }
        .mx-col > span { transform: rotate(180deg); overflow: hidden; text-overflow: ellipsis; max-height: 100%; }
        .mx-row .label, .mx-col .label { overflow: hidden; text-overflow: ellipsis; }
        .mx-row .ns, .mx-col .ns { color: var(--muted); }
        .mx-row .kind, .mx-col .kind { color: var(--muted); font-size: 10.5px; }
        .mx-row.hl, .mx-col.hl { background: var(--accent-soft); color: var(--accent); }
        .mx-row.group-start { border-top: 1px solid var(--line-strong); }
        .mx-col.group-start { border-left: 1px solid var(--line-strong); }
        .mx-cells { position: absolute; top: 0; }
        .cell {
          position: absolute; left: 0; top: 0; width: var(--cs); height: var(--cs); contain: strict;
          border: 1px solid var(--panel); border-radius: 3px; cursor: pointer;
          display: flex; align-items: center; justify-content: center; font-size: 11px; font-variant-numeric: tabular-nums;
          font-weight: 600; color: var(--text); user-select: none;
        }
        .cell.dense { border-width: 0.5px; border-radius: 1px; }
        .cell:hover { outline: 2px solid var(--text); outline-offset: -1px; z-index: 1; }
        .cell.selected { outline: 2px solid var(--accent); outline-offset: -2px; box-shadow: 0 0 0 2px var(--panel) inset; z-index: 1; }
        .cell.focus { outline: 2px dashed var(--accent); outline-offset: -2px; }
        .share-0, .none { background: var(--share-0); color: var(--muted); }
        .share-low { background: var(--share-low); }
        .share-mid { background: var(--share-mid); }
        .share-high { background: var(--share-high); color: var(--share-ink); }
        .share-all, .allowed { background: var(--share-all); color: var(--share-ink); }
        .share-na { background: repeating-linear-gradient(135deg, var(--na-a) 0 4px, var(--na-b) 4px 8px); color: var(--muted); cursor: default; }
        .visually-hidden {
          position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
        }
        .matrix-empty { padding: 40px; text-align: center; color: var(--muted); }
        .matrix.loading { opacity: 0.55; transition: opacity 0.2s; }

        .tooltip {
          position: fixed; z-index: 50; pointer-events: none; max-width: 360px;
          background: #111722; color: #f0f3f8; border-radius: 7px; padding: 8px 10px; font-size: 12px;
          box-shadow: 0 6px 24px rgba(0, 0, 0, 0.25);
        }
        .tooltip .t-head { font-family: var(--mono); font-weight: 600; margin-bottom: 3px; word-break: break-all; }
        .tooltip .t-ports { font-family: var(--mono); color: #b8c4d6; margin-top: 3px; word-break: break-word; }
        .tooltip .t-hint { color: #8e9aad; margin-top: 4px; }

        .pairs { list-style: none; margin: 8px 0 0; padding: 0; }
        .pair { padding: 8px 0; border-top: 1px solid var(--line); }
        .pair:first-child { border-top: 0; }
        .pair-ends { display: grid; grid-template-columns: minmax(0, 1fr) auto; align-items: start; gap: 8px; }
        .pair-names { min-width: 0; }
        .pair-names .arrow { color: var(--muted); margin: 0 4px; }
        .badge {
          font-size: 11px; font-weight: 600; border-radius: 999px; padding: 1px 8px; white-space: nowrap;
        }
        .badge.yes { background: var(--share-all); color: var(--share-ink); }
        .badge.no { background: var(--share-0); color: var(--muted); }
        .pair .ports { color: var(--muted); display: block; margin-top: 2px; }
        .decision { display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; margin-top: 4px; font-size: 12.5px; }
        .decision .side-name { color: var(--muted); }
        .decision .side-text { font-family: var(--mono); font-size: 12px; word-break: break-word; }
        .decision .side-text.allow { color: var(--ok); }
        .decision .side-text.deny { color: var(--danger); }
        .decision.loading { color: var(--muted); font-style: italic; display: block; }
        .pod-link {
          background: none; border: 0; padding: 0; cursor: pointer; font-family: var(--mono); font-size: 12.5px;
          color: var(--accent); text-align: left; word-break: break-all; display: inline;
        }
        .pod-link:hover { text-decoration: underline; }
        .pager { display: flex; justify-content: space-between; align-items: center; margin-top: 10px; gap: 8px; }

        .combo { position: relative; }
        .combo input { width: 100%; }
        .options {
          position: absolute; left: 0; right: 0; top: calc(100% + 4px); z-index: 10; list-style: none; margin: 0; padding: 4px;
          background: var(--panel); border: 1px solid var(--line-strong); border-radius: 8px; max-height: 320px; overflow: auto;
          box-shadow: 0 8px 24px rgba(0, 0, 0, 0.12);
        }
        .options li { padding: 5px 8px; border-radius: 5px; cursor: pointer; display: flex; flex-direction: column; gap: 1px; }
        .options li[aria-selected="true"], .options li:hover { background: var(--accent-soft); }
        .options .opt-name { font-family: var(--mono); font-size: 12.5px; }
        .options .opt-labels { font-size: 11px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .options .opt-more { color: var(--muted); font-size: 12px; cursor: default; }
        .picked { margin-top: 10px; padding: 8px 10px; border-radius: 8px; background: var(--accent-soft); }
        .picked .pod { font-weight: 600; }
        .chips { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
        .chip { font-family: var(--mono); font-size: 11px; border: 1px solid var(--line-strong); border-radius: 4px; padding: 0 5px; background: var(--panel); }
        .reach-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 0 24px; }
        .reach ul { list-style: none; margin: 0; padding: 0; }
        .reach li { display: flex; justify-content: space-between; gap: 10px; padding: 3px 0; border-top: 1px dashed var(--line); align-items: baseline; }
        .reach li:first-child { border-top: 0; }
        .reach li .ports { color: var(--muted); text-align: right; }
        .reach li.address .cidr { font-family: var(--mono); font-size: 12.5px; }
        .reach .sub { font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 8px 0 2px; }
        .reach .more { margin-top: 6px; }
        """##.utf8)

    /// `GET /ui/app.js`.
    static let script: [UInt8] = Array(
        ##"""
        'use strict';
        // The connectivity page of netpold (GET /ui). Plain JavaScript, no dependencies: it is served by
        // the binary under a Content-Security-Policy that allows nothing but this origin, so every style
        // change goes through the CSSOM (element.style), never through style attributes in markup.
        (() => {
          const TOKEN_KEY = 'netpold.ui.token';
          const PAGE_SIZE = 20;
          // Shares of allowed pod pairs are put in five buckets; the borders are the legend's.
          const LOW = 0.4;
          const HIGH = 0.8;
          const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
          const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);
          const KIND_SHORT = {
            Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', ReplicaSet: 'rs', Job: 'job', CronJob: 'cj',
            ReplicationController: 'rc', Pod: 'pod',
          };
          const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

          const $ = (id) => document.getElementById(id);
          const el = (tag, className, text) => {
            const node = document.createElement(tag);
            if (className) node.className = className;
            if (text !== undefined && text !== null) node.textContent = text;
            return node;
          };
          const fmt = new Intl.NumberFormat('en');

          const state = {
            view: 'namespace',
            namespaces: [],
            labelText: '',
            selector: null,
            port: null,
            protocol: 'TCP',
            pods: [],
            podsByKey: new Map(),
            answer: null,
            answerView: null,
            matrix: null,
            selected: null,
            cursor: null,
            pairs: null,
            picked: null,
            matrixSeq: 0,
            pairsSeq: 0,
            reachSeq: 0,
            latestRevision: null,
          };

          // ---------------------------------------------------------------- server calls

          function token() {
            try { return localStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
          }

          class APIError extends Error {
            constructor(status, message) {
              super(message);
              this.status = status;
            }
          }

          async function api(path, options = {}) {
            const headers = { Accept: 'application/json' };
            const bearer = token();
            if (bearer) headers.Authorization = 'Bearer ' + bearer;
            let body;
            if (options.body !== undefined) {
              body = JSON.stringify(options.body);
              headers['Content-Type'] = 'application/json';
            }
            let response;
            try {
              response = await fetch(path, { method: options.method || 'GET', headers, body, cache: 'no-store', credentials: 'same-origin' });
            } catch (error) {
              throw new APIError(0, `${path}: the server did not answer (${error.message})`);
            }
            const text = await response.text();
            let data = null;
            try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
            if (!response.ok) {
              const message = data && data.message ? data.message : text.slice(0, 300) || response.statusText;
              const reason = data && data.reason && !message.startsWith(data.reason) ? `${data.reason}: ` : '';
              let hint = '';
              if (response.status === 401 || response.status === 403) hint = ' (set a token with the Token button)';
              throw new APIError(response.status, `${response.status} ${reason}${message}${hint}`);
            }
            if (data && typeof data.revision === 'number') noteRevision(data.revision);
            return data;
          }

          // A Kubernetes list, page by page (`limit` and `continue`), so a large cluster is not one answer.
          async function listAll(path) {
            const items = [];
            let next = '';
            for (let page = 0; page < 10000; page++) {
              const query = new URLSearchParams({ limit: '2000' });
              if (next) query.set('continue', next);
              const answer = await api(`${path}?${query}`);
              for (const item of answer.items || []) items.push(item);
              next = answer.metadata && answer.metadata.continue;
              if (!next) break;
            }
            return items;
          }

          function scopeParams(extra) {
            const params = new URLSearchParams(extra);
            if (state.port) {
              params.set('port', String(state.port));
              params.set('protocol', state.protocol);
            }
            return params;
          }

          // ---------------------------------------------------------------- formatting

          function formatRanges(ranges) {
            return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
          }

          // `TCP 5432; UDP 53`; a protocol fully open is `TCP all`, everything open is `all ports`.
          function formatPorts(ports) {
            if (!ports) return '';
            const full = (r) => r && r.length === 1 && r[0][0] === 1 && r[0][1] === 65535;
            if (PROTOCOLS.every((p) => full(ports[p]))) return 'all ports';
            const parts = [];
            for (const protocol of PROTOCOLS) {
              const ranges = ports[protocol];
              if (ranges && ranges.length) parts.push(`${protocol} ${full(ranges) ? 'all' : formatRanges(ranges)}`);
            }
            for (const protocol of Object.keys(ports)) {
              if (!PROTOCOLS.includes(protocol) && ports[protocol].length) parts.push(`${protocol} ${formatRanges(ports[protocol])}`);
            }
            return parts.join('; ') || 'nothing';
          }

          // A side's ports in a decision: ranges of the protocol asked, or (newer answers) per protocol.
          function formatSidePorts(ports, protocol) {
            if (!ports) return '';
            if (Array.isArray(ports)) return ports.length ? formatPorts({ [protocol]: ports }) : 'nothing';
            return formatPorts(ports);
          }

          function policyName(policy) {
            if (!policy) return '';
            if (typeof policy === 'string') return policy;
            const name = policy.namespace ? `${policy.namespace}/${policy.name}` : policy.name;
            if (policy.kind === 'GlobalNetworkPolicy') return `${name} (global)`;
            if ((policy.apiVersion || '').startsWith('projectcalico.org')) return `${name} (Calico)`;
            return name;
          }

          function percent(allowed, total) {
            if (!total) return '';
            const share = (100 * allowed) / total;
            if (share > 0 && share < 1) return '<1%';
            if (share > 99 && share < 100) return '>99%';
            return `${Math.round(share)}%`;
          }

          function shareClass(allowed, total) {
            if (!total) return 'share-na';
            if (allowed <= 0) return 'share-0';
            if (allowed >= total) return 'share-all';
            const share = allowed / total;
            return share < LOW ? 'share-low' : share < HIGH ? 'share-mid' : 'share-high';
          }

          function parseWorkload(key) {
            const match = /^([^/]+)\/(.+)\[([A-Za-z]+)\]$/.exec(key);
            if (!match) return { ns: key.split('/')[0], name: key, kind: '' };
            return { ns: match[1], name: match[2], kind: match[3] };
          }

          // ---------------------------------------------------------------- label selectors

          // Kubernetes label-selector syntax: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`,
          // comma-separated and all required. Returns null for an empty text; throws on a bad one.
          function parseSelector(text) {
            const terms = [];
            let depth = 0;
            let start = 0;
            for (let i = 0; i <= text.length; i++) {
              const ch = text[i];
              if (ch === '(') depth++;
              else if (ch === ')') depth--;
              else if ((ch === ',' || i === text.length) && depth === 0) {
                const term = text.slice(start, i).trim();
                if (term) terms.push(term);
                start = i + 1;
              }
            }
            if (!terms.length) return null;
            return terms.map((term) => {
              let m;
              if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
                const values = m[3].split(',').map((v) => v.trim()).filter(Boolean);
                return { key: m[1], op: m[2], values };
              }
              if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term))) return { key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3]] };
              if ((m = /^!\s*([\w./-]+)$/.exec(term))) return { key: m[1], op: '!' };
              if ((m = /^([\w./-]+)$/.exec(term))) return { key: m[1], op: 'exists' };
              throw new Error(`cannot read "${term}" (use key=value, key!=value, key, !key, key in (a,b))`);
            });
          }

          function matches(selector, labels) {
            if (!selector) return true;
            return selector.every((t) => {
              const has = Object.prototype.hasOwnProperty.call(labels, t.key);
              switch (t.op) {
                case '=': return has && labels[t.key] === t.values[0];
                case '!=': return !has || labels[t.key] !== t.values[0];
                case 'in': return has && t.values.includes(labels[t.key]);
                case 'notin': return !has || !t.values.includes(labels[t.key]);
                case '!': return !has;
                default: return has;
              }
            });
          }

          // ---------------------------------------------------------------- pods and workloads

          function controllerOf(references) {
            if (!references || !references.length) return null;
            return references.find((r) => r.controller) || references[0];
          }

          // The workload a pod belongs to, named as the server names it: a ReplicaSet owned by a
          // Deployment counts as the Deployment (as kubectl shows it); a pod without an owner netpold
          // knows is its own workload.
          function workloadOf(ns, name, owner, deploymentOf) {
            if (owner && WORKLOAD_KINDS.has(owner.kind)) {
              if (owner.kind === 'ReplicaSet') {
                const deployment = deploymentOf.get(`${ns}/${owner.name}`);
                if (deployment) return `${ns}/${deployment}[Deployment]`;
              }
              return `${ns}/${owner.name}[${owner.kind}]`;
            }
            return `${ns}/${name}[Pod]`;
          }

          async function loadPods() {
            const [podItems, replicaSets] = await Promise.all([
              listAll('/api/v1/pods'),
              // Only to name the Deployment behind a ReplicaSet; without it pods show their ReplicaSet.
              listAll('/apis/apps/v1/replicasets').catch(() => []),
            ]);
            const deploymentOf = new Map();
            for (const rs of replicaSets) {
              const meta = rs.metadata || {};
              const owner = controllerOf(meta.ownerReferences);
              if (owner && owner.kind === 'Deployment') deploymentOf.set(`${meta.namespace}/${meta.name}`, owner.name);
            }
            const pods = [];
            for (const item of podItems) {
              const meta = item.metadata || {};
              if (!meta.name || !meta.namespace) continue;
              const labels = meta.labels || {};
              const key = `${meta.namespace}/${meta.name}`;
              pods.push({
                key, ns: meta.namespace, name: meta.name, labels,
                workload: workloadOf(meta.namespace, meta.name, controllerOf(meta.ownerReferences), deploymentOf),
                search: (key + ' ' + Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ')).toLowerCase(),
              });
            }
            pods.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
            state.pods = pods;
            state.podsByKey = new Map(pods.map((p) => [p.key, p]));
            const namespaces = [...new Set(pods.map((p) => p.ns))].sort();
            const list = $('ns-list');
            list.replaceChildren(...namespaces.map((ns) => { const o = el('option'); o.value = ns; return o; }));
          }

          // ---------------------------------------------------------------- revision

          function noteRevision(revision) {
            if (state.latestRevision === null || revision > state.latestRevision) state.latestRevision = revision;
            renderRevision();
          }

          function renderRevision() {
            const node = $('revision');
            const shown = state.matrix ? state.matrix.revision : null;
            if (shown === null || shown === undefined) {
              node.textContent = 'no revision yet';
              node.dataset.revision = '';
              return;
            }
            node.dataset.revision = String(shown);
            const stale = state.latestRevision !== null && state.latestRevision > shown;
            node.classList.toggle('stale', stale);
            node.textContent = stale ? `revision ${shown} · ${state.latestRevision} is newer, refresh` : `revision ${shown}`;
            node.title = stale
              ? 'The store changed after the matrix was computed: click to refresh'
              : 'The store revision the matrix was computed on';
          }

          // ---------------------------------------------------------------- errors

          function showError(error) {
            const node = $('error');
            if (!error) {
              node.hidden = true;
              node.textContent = '';
              return;
            }
            node.hidden = false;
            node.textContent = error.message || String(error);
          }

          // ---------------------------------------------------------------- the matrix model

          async function loadMatrix() {
            const seq = ++state.matrixSeq;
            const box = $('matrix');
            box.classList.add('loading');
            box.setAttribute('aria-busy', 'true');
            $('matrix-summary').textContent = 'Loading…';
            const params = scopeParams({ groupBy: state.view });
            if (state.namespaces.length) params.set('namespace', state.namespaces.join(','));
            try {
              const answer = await api('/v1/connectivity?' + params);
              if (seq !== state.matrixSeq) return;
              state.answer = answer;
              state.answerView = state.view;
              buildMatrix();
              showError(null);
            } catch (error) {
              if (seq !== state.matrixSeq) return;
              state.answer = null;
              state.matrix = null;
              showError(error);
              drawMatrix();
            } finally {
              if (seq === state.matrixSeq) {
                box.classList.remove('loading');
                box.removeAttribute('aria-busy');
              }
            }
          }

          function podsInScope() {
            const wanted = state.namespaces.length ? new Set(state.namespaces) : null;
            return state.pods.filter((p) => !wanted || wanted.has(p.ns));
          }

          // Rows and columns from the pods and the answer together: a namespace or workload with no
          // allowed connection still gets its row, and one the answer names but the pod list lacks
          // (a workload without pods) is not lost.
          function buildMatrix() {
            const answer = state.answer;
            if (!answer) return;
            const view = state.answerView;
            const connections = answer.connections || [];
            const scoped = podsInScope();
            const groups = new Map();
            const group = (key) => {
              let g = groups.get(key);
              if (!g) {
                const parsed = view === 'namespace' ? { ns: key, name: key, kind: '' } : parseWorkload(key);
                g = { key, ns: parsed.ns, name: parsed.name, kind: parsed.kind, pods: [], matching: 0 };
                groups.set(key, g);
              }
              return g;
            };
            for (const ns of state.namespaces) if (view === 'namespace') group(ns);
            for (const pod of scoped) {
              const g = group(view === 'namespace' ? pod.ns : pod.workload);
              g.pods.push(pod);
              if (matches(state.selector, pod.labels)) g.matching++;
            }
            // With a namespace filter the axes are those namespaces, whether or not the answer also
            // names the other end of a connection that leaves them.
            const wanted = state.namespaces.length ? new Set(state.namespaces) : null;
            const inScope = (key) => !isAddress(key) && (!wanted || wanted.has(view === 'namespace' ? key : parseWorkload(key).ns));
            for (const c of connections) {
              if (inScope(c.from)) group(c.from);
              if (inScope(c.to)) group(c.to);
            }
            let items = [...groups.values()];
            if (state.selector) items = items.filter((g) => g.matching > 0);
            items.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : 1));
            items.forEach((item, i) => { item.groupStart = i > 0 && items[i - 1].ns !== item.ns; });
            const n = items.length;
            const index = new Map(items.map((item, i) => [item.key, i]));
            // One slot per cell holding the connection's position: a typed array while it stays small.
            const dense = n * n <= 4000000;
            const slots = dense ? new Int32Array(n * n).fill(-1) : new Map();
            let withTraffic = 0;
            connections.forEach((c, k) => {
              const i = index.get(c.from);
              const j = index.get(c.to);
              if (i === undefined || j === undefined) return;
              if (dense) slots[i * n + j] = k; else slots.set(i * n + j, k);
              if (!c.pairs || c.pairs.allowed > 0) withTraffic++;
            });
            state.matrix = { view, items, n, index, dense, slots, connections, revision: answer.revision, withTraffic };
            if (state.selected) {
              const r = index.get(state.selected.from);
              const c = index.get(state.selected.to);
              state.selected = r === undefined || c === undefined ? null : { from: state.selected.from, to: state.selected.to, r, c };
            }
            state.cursor = null;
            renderRevision();
            drawMatrix();
          }

          // Entries with `externals=true` name address ranges; they have no row of their own.
          function isAddress(key) {
            return !key.includes('[') && /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(key);
          }

          function connectionAt(r, c) {
            const m = state.matrix;
            const k = m.dense ? m.slots[r * m.n + c] : m.slots.has(r * m.n + c) ? m.slots.get(r * m.n + c) : -1;
            return k >= 0 ? m.connections[k] : null;
          }

          // What one cell says: its class, counts and the text of its tooltip.
          function cellInfo(r, c) {
            const m = state.matrix;
            const from = m.items[r];
            const to = m.items[c];
            const connection = connectionAt(r, c);
            if (m.view === 'namespace') {
              const total = connection && connection.pairs ? connection.pairs.total : from.pods.length * to.pods.length - (r === c ? from.pods.length : 0);
              const allowed = connection && connection.pairs ? connection.pairs.allowed : connection ? total : 0;
              return { cls: shareClass(allowed, total), allowed, total, connection };
            }
            const total = from.pods.length * to.pods.length - (r === c ? from.pods.length : 0);
            if (connection) return { cls: 'allowed', allowed: total, total, connection };
            if (from.pods.length && to.pods.length && total === 0) return { cls: 'share-na', allowed: 0, total, connection };
            return { cls: 'none', allowed: 0, total, connection };
          }

          // ---------------------------------------------------------------- the matrix drawing

          const grid = {
            cs: 0, headW: 0, headH: 0, n: 0,
            live: new Map(), pool: [],
            rows: new Map(), rowPool: [],
            cols: new Map(), colPool: [],
            frame: 0, parts: null, hover: null,
          };

          let measureContext = null;
          function textWidth(text) {
            if (!measureContext) {
              measureContext = document.createElement('canvas').getContext('2d');
              measureContext.font = `12px ${getComputedStyle(document.documentElement).getPropertyValue('--mono') || 'monospace'}`;
            }
            return measureContext.measureText(text).width;
          }

          function itemLabel(item) {
            return state.matrix.view === 'namespace' ? item.key : `${item.ns}/${item.name}`;
          }

          function drawMatrix() {
            const box = $('matrix');
            for (const pool of [grid.live, grid.rows, grid.cols]) pool.clear();
            grid.pool.length = 0;
            grid.rowPool.length = 0;
            grid.colPool.length = 0;
            box.replaceChildren();
            grid.parts = null;
            renderLegend();
            const m = state.matrix;
            box.dataset.view = state.view;
            if (!m) {
              box.dataset.size = '0';
              $('matrix-summary').textContent = 'No answer.';
              box.appendChild(el('div', 'matrix-empty', 'Nothing to draw: see the error above.'));
              return;
            }
            box.dataset.view = m.view;
            box.dataset.size = String(m.n);
            $('matrix-title').textContent = m.view === 'namespace' ? 'Namespace → namespace' : 'Workload → workload';
            renderSummary();
            if (!m.n) {
              box.appendChild(el('div', 'matrix-empty', state.selector ? 'No pod matches the label filter.' : 'No pods in scope.'));
              return;
            }
            const n = m.n;
            grid.n = n;
            grid.cs = m.view === 'namespace'
              ? (n <= 8 ? 64 : n <= 16 ? 44 : n <= 40 ? 28 : 20)
              : (n <= 12 ? 40 : n <= 40 ? 26 : n <= 150 ? 18 : 14);
            let longest = 0;
            const step = Math.max(1, Math.floor(n / 4000));
            for (let i = 0; i < n; i += step) longest = Math.max(longest, textWidth(itemLabel(m.items[i])));
            const kindRoom = m.view === 'namespace' ? 0 : 52;
            grid.headW = Math.round(Math.min(300, Math.max(110, longest + kindRoom + 22)));
            grid.headH = Math.round(Math.min(240, Math.max(64, longest + kindRoom + 18)));
            const { cs, headW, headH } = grid;

            const sizer = el('div', 'mx-sizer');
            sizer.style.width = `${headW + n * cs}px`;
            sizer.style.height = `${headH + n * cs}px`;
            const colhead = el('div', 'mx-colhead');
            colhead.style.height = `${headH}px`;
            const corner = el('div', 'mx-corner');
            corner.style.width = `${headW}px`;
            corner.appendChild(el('span', null, '↓ from'));
            const to = el('span');
            to.appendChild(el('b', null, 'to'));
            to.appendChild(document.createTextNode(' →'));
            corner.appendChild(to);
            colhead.appendChild(corner);
            const body = el('div', 'mx-body');
            body.style.height = `${n * cs}px`;
            const rowhead = el('div', 'mx-rowhead');
            rowhead.style.width = `${headW}px`;
            rowhead.style.height = `${n * cs}px`;
            const cells = el('div', 'mx-cells');
            cells.style.left = `${headW}px`;
            cells.style.setProperty('--cs', `${cs}px`);
            body.appendChild(rowhead);
            body.appendChild(cells);
            sizer.appendChild(colhead);
            sizer.appendChild(body);
            box.appendChild(sizer);
            grid.parts = { colhead, rowhead, cells };
            renderWindow();
          }

          function renderSummary() {
            const m = state.matrix;
            const pods = m.items.reduce((sum, item) => sum + item.pods.length, 0);
            const noun = m.view === 'namespace' ? 'namespace' : 'workload';
            const cells = `${fmt.format(m.withTraffic)} of ${fmt.format(m.n * m.n)} cells`;
            const parts = [`${fmt.format(m.n)} ${noun}${m.n === 1 ? '' : 's'}`, `${fmt.format(pods)} pod${pods === 1 ? '' : 's'}`,
              m.view === 'namespace' ? `${cells} allow something` : `${cells} allowed for every pod pair`];
            if (state.port) parts.push(`only ${state.protocol} ${state.port}`);
            $('matrix-summary').textContent = parts.join(' · ');
          }

          function renderLegend() {
            const legend = $('legend');
            const entries = state.view === 'namespace'
              ? [['share-all', 'all pod pairs'], ['share-high', `≥ ${HIGH * 100}%`], ['share-mid', `${LOW * 100}–${HIGH * 100}%`],
                ['share-low', `< ${LOW * 100}%`], ['share-0', 'none'], ['share-na', 'no pod pairs']]
              : [['allowed', 'every pod pair allows something'], ['none', 'not every pod pair'], ['share-na', 'no pod pairs']];
            legend.replaceChildren(...entries.map(([cls, text]) => {
              const item = el('span', 'legend-item');
              item.dataset.class = cls;
              item.appendChild(el('span', `swatch ${cls}`));
              item.appendChild(document.createTextNode(text));
              return item;
            }));
          }

          function scheduleWindow() {
            if (!grid.frame) grid.frame = requestAnimationFrame(() => { grid.frame = 0; renderWindow(); });
          }

          // Puts in the DOM exactly the cells and headers in view (plus one on each side), reusing the
          // elements that scrolled out: scrolling a 1,000 x 1,000 matrix touches a few thousand nodes.
          function renderWindow() {
            const m = state.matrix;
            if (!m || !grid.parts || !m.n) return;
            const box = $('matrix');
            const { cs, headW, headH, n } = grid;
            const left = box.scrollLeft;
            const top = box.scrollTop;
            const c0 = Math.max(0, Math.floor(left / cs) - 1);
            const c1 = Math.min(n - 1, Math.ceil((left + box.clientWidth - headW) / cs) + 1);
            const r0 = Math.max(0, Math.floor(top / cs) - 1);
            const r1 = Math.min(n - 1, Math.ceil((top + box.clientHeight - headH) / cs) + 1);

            // Cells that left the window are repainted in place for the ones that entered it (moving a
            // node costs a transform; detaching and attaching it would cost a style recalculation).
            const live = new Map();
            const spare = [];
            for (const [key, node] of grid.live) {
              const r = Math.floor(key / n);
              const c = key % n;
              if (r < r0 || r > r1 || c < c0 || c > c1) spare.push(node);
              else live.set(key, node);
            }
            const fragment = document.createDocumentFragment();
            for (let r = r0; r <= r1; r++) {
              for (let c = c0; c <= c1; c++) {
                const key = r * n + c;
                if (live.has(key)) continue;
                let node = spare.pop();
                if (!node) {
                  node = grid.pool.pop() || el('div');
                  node.setAttribute('role', 'gridcell');
                  fragment.appendChild(node);
                }
                paintCell(node, r, c);
                live.set(key, node);
              }
            }
            for (const node of spare) {
              node.remove();
              grid.pool.push(node);
            }
            grid.parts.cells.appendChild(fragment);
            grid.live = live;
            grid.rows = windowHeaders(grid.rows, grid.rowPool, r0, r1, grid.parts.rowhead, paintRow);
            grid.cols = windowHeaders(grid.cols, grid.colPool, c0, c1, grid.parts.colhead, paintCol);
          }

          function windowHeaders(current, pool, first, last, parent, paint) {
            const next = new Map();
            for (const [i, node] of current) {
              if (i < first || i > last) {
                node.remove();
                pool.push(node);
              } else {
                next.set(i, node);
              }
            }
            const fragment = document.createDocumentFragment();
            for (let i = first; i <= last; i++) {
              if (next.has(i)) continue;
              const node = pool.pop() || el('div');
              paint(node, i);
              fragment.appendChild(node);
              next.set(i, node);
            }
            parent.appendChild(fragment);
            return next;
          }

          // Called for every cell that scrolls into view, so it writes as little as it can: the size
          // comes from a CSS variable, the position is a transform, and the row and column are kept as
          // plain properties for the event handlers.
          function paintCell(node, r, c) {
            const m = state.matrix;
            const { cs } = grid;
            const info = cellInfo(r, c);
            let cls = `cell ${info.cls}`;
            if (cs < 20) cls += ' dense';
            if (state.selected && state.selected.r === r && state.selected.c === c) cls += ' selected';
            if (state.cursor && state.cursor.r === r && state.cursor.c === c) cls += ' focus';
            if (node.cls !== cls) {
              node.className = cls;
              node.cls = cls;
            }
            node.row = r;
            node.col = c;
            node.dataset.from = m.items[r].key;
            node.dataset.to = m.items[c].key;
            node.dataset.allowed = String(info.allowed);
            node.dataset.total = String(info.total);
            node.style.transform = `translate(${c * cs}px,${r * cs}px)`;
            let text = '';
            if (m.view === 'namespace' && info.total) {
              if (cs >= 56) text = `${info.allowed}/${info.total}`;
              else if (cs >= 40) text = percent(info.allowed, info.total);
            }
            if (node.text !== text) {
              node.textContent = text;
              node.text = text;
            }
          }

          function describeCounts(info) {
            if (!info.total) return 'no pod pairs';
            if (state.matrix.view === 'namespace') {
              return `${fmt.format(info.allowed)} of ${fmt.format(info.total)} pod pair${info.total === 1 ? '' : 's'} allowed (${percent(info.allowed, info.total)})`;
            }
            return info.connection ? `all ${fmt.format(info.total)} pod pair${info.total === 1 ? '' : 's'} allow it` : 'not every pod pair allows something';
          }

          function headerContent(node, item) {
            node.replaceChildren();
            const label = el('span', 'label');
            if (state.matrix.view === 'namespace') {
              label.textContent = item.key;
            } else {
              label.appendChild(el('span', 'ns', `${item.ns}/`));
              label.appendChild(document.createTextNode(item.name));
            }
            node.appendChild(label);
            if (item.kind) node.appendChild(el('span', 'kind', KIND_SHORT[item.kind] || item.kind));
            const podCount = `${item.pods.length} pod${item.pods.length === 1 ? '' : 's'}`;
            node.title = `${item.key} · ${podCount}`;
          }

          function paintRow(node, r) {
            const item = state.matrix.items[r];
            node.className = 'mx-row' + (item.groupStart ? ' group-start' : '');
            node.dataset.key = item.key;
            node.dataset.index = String(r);
            node.setAttribute('role', 'rowheader');
            node.style.height = `${grid.cs}px`;
            node.style.width = `${grid.headW}px`;
            node.style.transform = `translateY(${r * grid.cs}px)`;
            headerContent(node, item);
          }

          function paintCol(node, c) {
            const item = state.matrix.items[c];
            node.className = 'mx-col' + (item.groupStart ? ' group-start' : '');
            node.dataset.key = item.key;
            node.dataset.index = String(c);
            node.setAttribute('role', 'columnheader');
            node.style.width = `${grid.cs}px`;
            node.style.height = `${grid.headH}px`;
            node.style.transform = `translateX(${grid.headW + c * grid.cs}px)`;
            const inner = el('span');
            headerContent(inner, item);
            node.replaceChildren(inner);
            node.title = inner.title;
          }

          function repaintCells() {
            for (const [key, node] of grid.live) paintCell(node, Math.floor(key / grid.n), key % grid.n);
          }

          function highlightHeaders(r, c) {
            for (const node of document.querySelectorAll('.mx-row.hl, .mx-col.hl')) node.classList.remove('hl');
            if (r === null) return;
            const row = grid.rows.get(r);
            const col = grid.cols.get(c);
            if (row) row.classList.add('hl');
            if (col) col.classList.add('hl');
          }

          // ---------------------------------------------------------------- tooltip

          function showTooltip(r, c, x, y) {
            const m = state.matrix;
            const info = cellInfo(r, c);
            const tip = $('tooltip');
            tip.replaceChildren();
            tip.appendChild(el('div', 't-head', `${m.items[r].key} → ${m.items[c].key}`));
            tip.appendChild(el('div', null, describeCounts(info)));
            if (info.connection && info.connection.ports) {
              const label = m.view === 'namespace' ? 'ports, over the allowed pairs: ' : 'ports every pair allows: ';
              tip.appendChild(el('div', 't-ports', label + formatPorts(info.connection.ports)));
            }
            if (info.total) tip.appendChild(el('div', 't-hint', 'Click to list the pod pairs.'));
            tip.hidden = false;
            const pad = 14;
            const width = tip.offsetWidth;
            const height = tip.offsetHeight;
            let left = x + pad;
            let top = y + pad;
            if (left + width > window.innerWidth - 8) left = x - width - pad;
            if (top + height > window.innerHeight - 8) top = y - height - pad;
            tip.style.left = `${Math.max(4, left)}px`;
            tip.style.top = `${Math.max(4, top)}px`;
          }

          function hideTooltip() {
            $('tooltip').hidden = true;
            highlightHeaders(null, null);
            grid.hover = null;
          }

          // ---------------------------------------------------------------- pairs of a cell

          async function selectCell(r, c) {
            const m = state.matrix;
            if (!m) return;
            const from = m.items[r];
            const to = m.items[c];
            state.selected = { from: from.key, to: to.key, r, c };
            repaintCells();
            const seq = ++state.pairsSeq;
            // In one column the list is below the matrix, out of sight: bring it up.
            if (window.matchMedia('(max-width: 1100px)').matches) $('pairs-heading').scrollIntoView({ behavior: 'smooth', block: 'start' });
            $('pairs-title').textContent = `${from.key} → ${to.key}: loading pod pairs…`;
            $('pairs').replaceChildren();
            $('pairs-pager').hidden = true;
            $('pairs-tabs').hidden = true;
            const namespaces = [...new Set([from.ns, to.ns])];
            const params = scopeParams({ groupBy: 'pod', namespace: namespaces.join(',') });
            let answer;
            try {
              answer = await api('/v1/connectivity?' + params);
            } catch (error) {
              if (seq !== state.pairsSeq) return;
              $('pairs-title').textContent = `${from.key} → ${to.key}: ${error.message}`;
              return;
            }
            if (seq !== state.pairsSeq) return;
            const wanted = (pod) => matches(state.selector, pod.labels);
            let inFrom;
            let inTo;
            if (m.view === 'namespace') {
              inFrom = (key) => key.startsWith(from.key + '/');
              inTo = (key) => key.startsWith(to.key + '/');
            } else {
              const fromKeys = new Set(from.pods.map((p) => p.key));
              const toKeys = new Set(to.pods.map((p) => p.key));
              inFrom = (key) => fromKeys.has(key);
              inTo = (key) => toKeys.has(key);
            }
            const labelled = (key) => {
              const pod = state.podsByKey.get(key);
              return !state.selector || (pod && wanted(pod));
            };
            const allowed = (answer.connections || [])
              .filter((e) => inFrom(e.from) && inTo(e.to) && labelled(e.from) && labelled(e.to))
              .map((e) => ({ from: e.from, to: e.to, ports: e.ports, allowed: true }));
            const seen = new Set(allowed.map((p) => `${p.from}>${p.to}`));
            const denied = [];
            const fromPods = from.pods.filter(wanted);
            const toPods = to.pods.filter(wanted);
            for (const a of fromPods) {
              for (const b of toPods) {
                if (a === b || seen.has(`${a.key}>${b.key}`)) continue;
                denied.push({ from: a.key, to: b.key, ports: null, allowed: false });
              }
            }
            state.pairs = { from, to, allowed, denied, show: 'all', page: 0, revision: answer.revision, decisions: new Map(), seq };
            renderPairs();
          }

          function pairList() {
            const p = state.pairs;
            return p.show === 'allowed' ? p.allowed : p.show === 'denied' ? p.denied : p.allowed.concat(p.denied);
          }

          function renderPairs() {
            const p = state.pairs;
            if (!p) return;
            const list = pairList();
            const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
            p.page = Math.min(p.page, pages - 1);
            const first = p.page * PAGE_SIZE;
            const shown = list.slice(first, first + PAGE_SIZE);
            const total = p.allowed.length + p.denied.length;
            const title = $('pairs-title');
            title.replaceChildren();
            title.appendChild(el('span', 'mono', `${p.from.key} → ${p.to.key}`));
            title.appendChild(document.createTextNode(
              `: ${fmt.format(p.allowed.length)} of ${fmt.format(total)} pod pair${total === 1 ? '' : 's'} allowed` +
              (state.port ? ` on ${state.protocol} ${state.port}` : '') + ` · revision ${p.revision}`));
            const tabs = $('pairs-tabs');
            tabs.hidden = total === 0;
            for (const button of tabs.querySelectorAll('button')) {
              const kind = button.dataset.show;
              const count = kind === 'allowed' ? p.allowed.length : kind === 'denied' ? p.denied.length : total;
              button.textContent = `${kind[0].toUpperCase()}${kind.slice(1)} (${fmt.format(count)})`;
              button.setAttribute('aria-pressed', String(kind === p.show));
            }
            const ul = $('pairs');
            ul.replaceChildren(...shown.map(pairItem));
            if (!shown.length) ul.appendChild(el('li', 'muted', total ? 'No pairs of this kind.' : 'These have no pod pairs.'));
            $('pairs-pager').hidden = list.length <= PAGE_SIZE;
            $('pairs-page').textContent = list.length ? `${fmt.format(first + 1)}–${fmt.format(first + shown.length)} of ${fmt.format(list.length)}` : '';
            $('pairs-prev').disabled = p.page === 0;
            $('pairs-next').disabled = p.page >= pages - 1;
            decidePage(shown);
          }

          function podButton(key) {
            const button = el('button', 'pod-link', key);
            button.type = 'button';
            button.dataset.pod = key;
            button.title = 'Show what this pod can reach and who can reach it';
            return button;
          }

          function pairItem(pair) {
            const li = el('li', 'pair');
            li.dataset.from = pair.from;
            li.dataset.to = pair.to;
            li.dataset.allowed = String(pair.allowed);
            const ends = el('div', 'pair-ends');
            const names = el('div', 'pair-names');
            names.appendChild(podButton(pair.from));
            names.appendChild(el('span', 'arrow', '→'));
            names.appendChild(podButton(pair.to));
            if (pair.ports) names.appendChild(el('span', 'ports', formatPorts(pair.ports)));
            ends.appendChild(names);
            ends.appendChild(el('span', `badge ${pair.allowed ? 'yes' : 'no'}`, pair.allowed ? 'allowed' : 'denied'));
            li.appendChild(ends);
            const decision = el('div', 'decision loading', 'deciding…');
            li.appendChild(decision);
            const known = state.pairs.decisions.get(pairKey(pair));
            if (known) fillDecision(li, pair, known);
            return li;
          }

          const pairKey = (pair) => `${pair.from}>${pair.to}`;

          function endpoint(key) {
            const slash = key.indexOf('/');
            return { namespace: key.slice(0, slash), pod: key.slice(slash + 1) };
          }

          // The first allowed port of a pair, to ask what allows it: an answer about every port names the
          // policies that select a side, but only an answer about one port names the rule that allowed it.
          function probePort(ports) {
            for (const protocol of PROTOCOLS) {
              const ranges = ports && ports[protocol];
              if (ranges && ranges.length) return { protocol, port: ranges[0][0] };
            }
            return null;
          }

          // Decisions for the pairs on the page only, in one batch (one round trip, one revision).
          async function decidePage(shown) {
            const p = state.pairs;
            const todo = shown.filter((pair) => !p.decisions.has(pairKey(pair)));
            if (!todo.length) return;
            const items = [];
            const plans = todo.map((pair) => {
              const base = { source: endpoint(pair.from), destination: endpoint(pair.to) };
              const plan = { pair, protocol: state.protocol, any: -1, probe: -1, probeAt: null };
              if (state.port) {
                plan.probe = items.push({ ...base, port: state.port, protocol: state.protocol }) - 1;
                plan.probeAt = { protocol: state.protocol, port: state.port };
                return plan;
              }
              const at = pair.allowed ? probePort(pair.ports) : null;
              plan.protocol = at ? at.protocol : 'TCP';
              plan.any = items.push({ ...base, protocol: plan.protocol }) - 1;
              if (at) {
                plan.probe = items.push({ ...base, port: at.port, protocol: at.protocol }) - 1;
                plan.probeAt = at;
              }
              return plan;
            });
            let results;
            try {
              const answer = await api('/v1/decide/batch', { method: 'POST', body: { items } });
              results = answer.results || [];
            } catch (error) {
              if (state.pairs !== p) return;
              for (const plan of plans) p.decisions.set(pairKey(plan.pair), { error: error.message });
            }
            if (state.pairs !== p) return;
            if (results) {
              for (const plan of plans) {
                p.decisions.set(pairKey(plan.pair), {
                  any: plan.any >= 0 ? results[plan.any] : null,
                  probe: plan.probe >= 0 ? results[plan.probe] : null,
                  probeAt: plan.probeAt,
                  protocol: plan.protocol,
                });
              }
            }
            for (const li of $('pairs').querySelectorAll('li.pair')) {
              const pair = shown.find((s) => s.from === li.dataset.from && s.to === li.dataset.to);
              const known = pair && p.decisions.get(pairKey(pair));
              if (known) fillDecision(li, pair, known);
            }
          }

          // One side of a decision as a line: `ns/policy rule 0 (Allow)`, `not isolated`, or why nothing
          // allowed it.
          function describeSide(side) {
            if (!side) return { text: 'not checked', tone: '' };
            if (side.reason === 'NotIsolated') return { text: 'not isolated', tone: 'allow', reason: side.reason };
            if (side.policy) {
              const action = side.action || (side.reason === 'DeniedByPolicy' ? 'Deny' : side.allowed ? 'Allow' : 'Deny');
              const rule = side.rule !== undefined && side.rule !== null ? ` rule ${side.rule}` : '';
              return {
                text: `${policyName(side.policy)}${rule} (${action})`, tone: action === 'Allow' ? 'allow' : 'deny',
                policy: policyName(side.policy), rule: side.rule, reason: side.reason,
              };
            }
            if (side.reason === 'NoRuleMatched') {
              const names = (side.policies || []).map(policyName);
              return { text: `no rule matched${names.length ? ` (selected by ${names.join(', ')})` : ''}`, tone: 'deny', reason: side.reason };
            }
            return { text: side.reason || (side.allowed ? 'allowed' : 'denied'), tone: side.allowed ? 'allow' : 'deny', reason: side.reason };
          }

          function fillDecision(li, pair, decision) {
            const box = li.querySelector('.decision');
            box.className = 'decision';
            box.replaceChildren();
            if (decision.error) {
              box.classList.add('loading');
              box.textContent = `could not decide: ${decision.error}`;
              return;
            }
            for (const sideName of ['egress', 'ingress']) {
              const any = decision.any ? decision.any[sideName] : null;
              const probe = decision.probe ? decision.probe[sideName] : null;
              // The answer about one allowed port explains an allowed pair unless the answer about
              // every port already names the deciding policy.
              const side = probe && !(any && any.policy) ? probe : any || probe;
              const d = describeSide(side);
              let text = d.text;
              // A side's own ports say something only where they differ from the pair's.
              const sidePorts = any && any.ports && any.reason !== 'NotIsolated' ? formatSidePorts(any.ports, decision.protocol) : '';
              if (sidePorts && sidePorts !== 'nothing' && sidePorts !== formatPorts(pair.ports)) text += ` · allows ${sidePorts}`;
              box.appendChild(el('span', 'side-name', `${sideName}:`));
              const value = el('span', `side-text ${sideName} ${d.tone}`, text);
              box.appendChild(value);
              li.dataset[`${sideName}Decision`] = d.text;
              if (d.policy) li.dataset[`${sideName}Policy`] = d.policy;
              if (d.rule !== undefined && d.rule !== null) li.dataset[`${sideName}Rule`] = String(d.rule);
              if (d.reason) li.dataset[`${sideName}Reason`] = d.reason;
            }
            if (decision.probeAt) box.title = `The rules that allowed ${decision.probeAt.protocol} ${decision.probeAt.port}`;
            li.dataset.decided = 'true';
          }

          // ---------------------------------------------------------------- reachability of a pod

          function renderOptions() {
            const input = $('pod-search');
            const list = $('pod-options');
            const terms = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
            if (!terms.length) {
              list.hidden = true;
              input.setAttribute('aria-expanded', 'false');
              return;
            }
            const found = [];
            let more = 0;
            for (const pod of state.pods) {
              if (!terms.every((t) => pod.search.includes(t))) continue;
              if (found.length < 50) found.push(pod); else more++;
            }
            list.replaceChildren(...found.map((pod, i) => {
              const li = el('li');
              li.setAttribute('role', 'option');
              li.id = `pod-option-${i}`;
              li.dataset.pod = pod.key;
              li.setAttribute('aria-selected', String(i === 0));
              li.appendChild(el('span', 'opt-name', pod.key));
              const labels = Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`).join('  ');
              if (labels) li.appendChild(el('span', 'opt-labels', labels));
              return li;
            }));
            if (!found.length) list.appendChild(el('li', 'opt-more', 'No pod matches.'));
            if (more) list.appendChild(el('li', 'opt-more', `${fmt.format(more)} more: keep typing`));
            list.hidden = false;
            input.setAttribute('aria-expanded', 'true');
          }

          function moveOption(delta) {
            const options = [...$('pod-options').querySelectorAll('li[data-pod]')];
            if (!options.length) return;
            let at = options.findIndex((o) => o.getAttribute('aria-selected') === 'true');
            at = Math.max(0, Math.min(options.length - 1, at + delta));
            options.forEach((o, i) => o.setAttribute('aria-selected', String(i === at)));
            options[at].scrollIntoView({ block: 'nearest' });
            $('pod-search').setAttribute('aria-activedescendant', options[at].id);
          }

          async function pickPod(key) {
            const pod = state.podsByKey.get(key);
            state.picked = key;
            saveHash();
            const input = $('pod-search');
            input.value = key;
            $('pod-options').hidden = true;
            input.setAttribute('aria-expanded', 'false');
            const picked = $('picked-pod');
            picked.hidden = false;
            picked.replaceChildren();
            picked.dataset.pod = key;
            picked.appendChild(el('div', 'pod', key));
            if (pod) {
              picked.appendChild(el('div', 'muted', `workload ${pod.workload}`));
              const chips = el('div', 'chips');
              for (const [k, v] of Object.entries(pod.labels)) chips.appendChild(el('span', 'chip', `${k}=${v}`));
              picked.appendChild(chips);
            }
            const seq = ++state.reachSeq;
            for (const id of ['reach-to', 'reach-from']) {
              const box = $(id);
              box.dataset.state = 'loading';
              box.dataset.pod = key;
              box.replaceChildren(el('p', 'muted', 'Loading…'));
              $(`${id}-count`).textContent = '';
            }
            const ask = (direction) => api('/v1/reachability?' + scopeParams({ [direction]: key }));
            const [to, from] = await Promise.allSettled([ask('to'), ask('from')]);
            if (seq !== state.reachSeq) return;
            renderReach('reach-to', to);
            renderReach('reach-from', from);
          }

          function renderReach(id, result) {
            const box = $(id);
            const count = $(`${id}-count`);
            if (result.status === 'rejected') {
              box.dataset.state = 'error';
              box.replaceChildren(el('p', 'error', result.reason.message));
              count.textContent = '';
              return;
            }
            const answer = result.value;
            const pods = answer.pods || [];
            const addresses = answer.addresses || [];
            box.dataset.state = 'done';
            box.dataset.revision = String(answer.revision);
            count.textContent = `${fmt.format(pods.length)} pod${pods.length === 1 ? '' : 's'}` +
              (addresses.length ? ` · ${fmt.format(addresses.length)} range${addresses.length === 1 ? '' : 's'}` : '');
            box.replaceChildren();
            if (!pods.length && !addresses.length) {
              box.appendChild(el('p', 'muted', id === 'reach-to' ? 'Nothing can reach it.' : 'It can reach nothing.'));
              return;
            }
            if (pods.length) {
              box.appendChild(el('div', 'sub', 'Pods'));
              box.appendChild(reachList(pods, (entry) => {
                const li = el('li', 'pod-entry');
                li.dataset.pod = entry.pod;
                li.dataset.ports = formatPorts(entry.ports);
                li.appendChild(podButton(entry.pod));
                li.appendChild(el('span', 'ports', formatPorts(entry.ports)));
                return li;
              }));
            }
            if (addresses.length) {
              box.appendChild(el('div', 'sub', 'Address ranges'));
              box.appendChild(reachList(addresses, (entry) => {
                const li = el('li', 'address');
                li.dataset.cidr = entry.cidr;
                li.dataset.ports = formatPorts(entry.ports);
                li.appendChild(el('span', 'cidr', entry.cidr));
                li.appendChild(el('span', 'ports', formatPorts(entry.ports)));
                return li;
              }));
            }
          }

          // A long answer shows its first 100 entries and a button for the rest, so a pod reachable from
          // thousands does not build thousands of rows up front.
          function reachList(entries, make) {
            const wrap = el('div');
            const ul = el('ul');
            wrap.appendChild(ul);
            const first = 100;
            ul.replaceChildren(...entries.slice(0, first).map(make));
            if (entries.length > first) {
              const more = el('button', 'button ghost more', `Show all ${fmt.format(entries.length)}`);
              more.type = 'button';
              more.addEventListener('click', () => {
                const fragment = document.createDocumentFragment();
                for (const entry of entries.slice(first)) fragment.appendChild(make(entry));
                ul.appendChild(fragment);
                more.remove();
              });
              wrap.appendChild(more);
            }
            return wrap;
          }

          // ---------------------------------------------------------------- filters and the address bar

          function readFilters() {
            const nsInput = $('ns-filter');
            const names = nsInput.value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
            const bad = names.filter((n) => !DNS_LABEL.test(n) || n.length > 63);
            nsInput.classList.toggle('invalid', bad.length > 0);
            if (bad.length) throw new Error(`not a namespace name: ${bad.join(', ')}`);
            state.namespaces = [...new Set(names)];
            const portInput = $('port-filter');
            const port = portInput.value.trim();
            const number = Number(port);
            const portBad = port !== '' && !(Number.isInteger(number) && number >= 1 && number <= 65535);
            portInput.classList.toggle('invalid', portBad);
            if (portBad) throw new Error(`port must be 1-65535, not ${port}`);
            state.port = port === '' ? null : number;
            state.protocol = $('protocol-filter').value;
          }

          function readLabels() {
            const input = $('label-filter');
            try {
              state.selector = parseSelector(input.value);
              state.labelText = input.value.trim();
              input.classList.remove('invalid');
              input.title = '';
              return true;
            } catch (error) {
              input.classList.add('invalid');
              input.title = error.message;
              return false;
            }
          }

          function renderFilterNote() {
            let note = '';
            if (state.selector && state.view === 'namespace') {
              note = 'Namespaces without a matching pod are hidden; shares still count every pod. Pairs lists show matching pods only.';
            } else if (state.selector) {
              note = 'Workloads with a matching pod; pairs lists show matching pods only.';
            }
            $('filter-note').textContent = note;
          }

          function saveHash() {
            const params = new URLSearchParams();
            if (state.view !== 'namespace') params.set('view', state.view);
            if (state.namespaces.length) params.set('namespace', state.namespaces.join(','));
            if (state.labelText) params.set('labels', state.labelText);
            if (state.port) {
              params.set('port', String(state.port));
              params.set('protocol', state.protocol);
            }
            if (state.picked) params.set('pod', state.picked);
            const hash = params.toString();
            history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
          }

          function loadHash() {
            const params = new URLSearchParams(location.hash.slice(1));
            state.view = params.get('view') === 'workload' ? 'workload' : 'namespace';
            $('ns-filter').value = params.get('namespace') || '';
            $('label-filter').value = params.get('labels') || '';
            $('port-filter').value = params.get('port') || '';
            const protocol = params.get('protocol');
            if (PROTOCOLS.includes(protocol)) $('protocol-filter').value = protocol;
            state.picked = params.get('pod') || null;
          }

          function setView(view) {
            state.view = view;
            $('view-namespace').setAttribute('aria-pressed', String(view === 'namespace'));
            $('view-workload').setAttribute('aria-pressed', String(view === 'workload'));
            state.selected = null;
            state.pairs = null;
            clearPairs();
            renderFilterNote();
            saveHash();
            loadMatrix();
          }

          function clearPairs() {
            $('pairs').replaceChildren();
            $('pairs-pager').hidden = true;
            $('pairs-tabs').hidden = true;
            $('pairs-title').textContent = 'Click a cell of the matrix to list its pod pairs and what decides each.';
          }

          async function refresh() {
            showError(null);
            try {
              await loadPods();
            } catch (error) {
              showError(error);
            }
            await loadMatrix();
            if (state.selected && state.matrix) {
              const { r, c } = state.selected;
              if (r !== undefined) selectCell(r, c);
            }
            if (state.picked) pickPod(state.picked);
          }

          // ---------------------------------------------------------------- events

          function cellFromEvent(event) {
            const node = event.target.closest && event.target.closest('.cell');
            if (!node) return null;
            return { r: node.row, c: node.col, node };
          }

          function moveCursor(dr, dc) {
            const m = state.matrix;
            if (!m || !m.n) return;
            const at = state.cursor || state.selected || { r: 0, c: 0 };
            const r = Math.max(0, Math.min(m.n - 1, (at.r || 0) + dr));
            const c = Math.max(0, Math.min(m.n - 1, (at.c || 0) + dc));
            state.cursor = { r, c };
            const box = $('matrix');
            const { cs, headW, headH } = grid;
            if (c * cs < box.scrollLeft) box.scrollLeft = c * cs;
            else if ((c + 1) * cs > box.scrollLeft + box.clientWidth - headW) box.scrollLeft = (c + 1) * cs - (box.clientWidth - headW);
            if (r * cs < box.scrollTop) box.scrollTop = r * cs;
            else if ((r + 1) * cs > box.scrollTop + box.clientHeight - headH) box.scrollTop = (r + 1) * cs - (box.clientHeight - headH);
            renderWindow();
            repaintCells();
            $('matrix-status').textContent = `${m.items[r].key} to ${m.items[c].key}: ${describeCounts(cellInfo(r, c))}`;
            const node = grid.live.get(r * m.n + c);
            if (node) {
              const rect = node.getBoundingClientRect();
              showTooltip(r, c, rect.right, rect.bottom);
              highlightHeaders(r, c);
            }
          }

          function bind() {
            const box = $('matrix');
            box.addEventListener('scroll', () => { hideTooltip(); scheduleWindow(); }, { passive: true });
            new ResizeObserver(() => scheduleWindow()).observe(box);
            box.addEventListener('mousemove', (event) => {
              const hit = cellFromEvent(event);
              if (!hit) {
                if (grid.hover) hideTooltip();
                return;
              }
              showTooltip(hit.r, hit.c, event.clientX, event.clientY);
              if (!grid.hover || grid.hover.r !== hit.r || grid.hover.c !== hit.c) {
                grid.hover = { r: hit.r, c: hit.c };
                highlightHeaders(hit.r, hit.c);
              }
            });
            box.addEventListener('mouseleave', hideTooltip);
            box.addEventListener('click', (event) => {
              const hit = cellFromEvent(event);
              if (!hit || hit.node.classList.contains('share-na')) return;
              state.cursor = null;
              selectCell(hit.r, hit.c);
            });
            box.addEventListener('keydown', (event) => {
              const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
              if (moves[event.key]) {
                event.preventDefault();
                moveCursor(...moves[event.key]);
              } else if ((event.key === 'Enter' || event.key === ' ') && state.cursor) {
                event.preventDefault();
                selectCell(state.cursor.r, state.cursor.c);
              } else if (event.key === 'Escape') {
                state.cursor = null;
                hideTooltip();
                repaintCells();
              }
            });
            box.addEventListener('blur', hideTooltip);

            $('view-namespace').addEventListener('click', () => { if (state.view !== 'namespace') setView('namespace'); });
            $('view-workload').addEventListener('click', () => { if (state.view !== 'workload') setView('workload'); });
            const scopeChanged = () => {
              try {
                readFilters();
              } catch (error) {
                showError(error);
                return;
              }
              saveHash();
              loadMatrix().then(() => {
                if (state.selected && state.matrix && state.selected.r !== undefined) selectCell(state.selected.r, state.selected.c);
              });
              if (state.picked) pickPod(state.picked);
            };
            $('ns-filter').addEventListener('change', scopeChanged);
            $('port-filter').addEventListener('change', scopeChanged);
            $('protocol-filter').addEventListener('change', () => { if ($('port-filter').value) scopeChanged(); });
            let labelTimer = 0;
            $('label-filter').addEventListener('input', () => {
              clearTimeout(labelTimer);
              labelTimer = setTimeout(() => {
                if (!readLabels()) return;
                renderFilterNote();
                saveHash();
                // Labels filter on this side: the answer already here is enough.
                buildMatrix();
                if (state.selected && state.matrix && state.selected.r !== undefined) selectCell(state.selected.r, state.selected.c);
              }, 200);
            });

            $('pairs-prev').addEventListener('click', () => { state.pairs.page--; renderPairs(); });
            $('pairs-next').addEventListener('click', () => { state.pairs.page++; renderPairs(); });
            $('pairs-tabs').addEventListener('click', (event) => {
              const button = event.target.closest('button[data-show]');
              if (!button || !state.pairs) return;
              state.pairs.show = button.dataset.show;
              state.pairs.page = 0;
              renderPairs();
            });
            document.addEventListener('click', (event) => {
              const link = event.target.closest && event.target.closest('.pod-link');
              if (link) pickPod(link.dataset.pod);
            });

            const search = $('pod-search');
            search.addEventListener('input', renderOptions);
            search.addEventListener('focus', renderOptions);
            search.addEventListener('blur', () => setTimeout(() => { $('pod-options').hidden = true; search.setAttribute('aria-expanded', 'false'); }, 150));
            search.addEventListener('keydown', (event) => {
              if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                moveOption(event.key === 'ArrowDown' ? 1 : -1);
              } else if (event.key === 'Enter') {
                event.preventDefault();
                const chosen = $('pod-options').querySelector('li[aria-selected="true"][data-pod]');
                if (chosen) pickPod(chosen.dataset.pod);
                else if (state.podsByKey.has(search.value.trim())) pickPod(search.value.trim());
              } else if (event.key === 'Escape') {
                $('pod-options').hidden = true;
              }
            });
            // mousedown, not click: the input's blur would hide the list before a click lands.
            $('pod-options').addEventListener('mousedown', (event) => {
              const li = event.target.closest('li[data-pod]');
              if (!li) return;
              event.preventDefault();
              pickPod(li.dataset.pod);
            });

            $('refresh').addEventListener('click', refresh);
            $('revision').addEventListener('click', () => { if ($('revision').classList.contains('stale')) refresh(); });
            const settings = $('settings');
            $('settings-toggle').addEventListener('click', () => {
              settings.hidden = !settings.hidden;
              $('settings-toggle').setAttribute('aria-expanded', String(!settings.hidden));
              if (!settings.hidden) $('token').focus();
            });
            settings.addEventListener('submit', (event) => {
              event.preventDefault();
              try { localStorage.setItem(TOKEN_KEY, $('token').value.trim()); } catch (e) { showError(new Error('this browser does not keep the token (localStorage is off)')); }
              settings.hidden = true;
              $('settings-toggle').setAttribute('aria-expanded', 'false');
              updateTokenButton();
              refresh();
            });
            $('token-clear').addEventListener('click', () => {
              try { localStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing kept */ }
              $('token').value = '';
              updateTokenButton();
              refresh();
            });
          }

          function updateTokenButton() {
            $('settings-toggle').textContent = token() ? 'Token ✓' : 'Token';
            $('token').value = token();
          }

          async function start() {
            loadHash();
            readLabels();
            try { readFilters(); } catch (error) { showError(error); }
            $('view-namespace').setAttribute('aria-pressed', String(state.view === 'namespace'));
            $('view-workload').setAttribute('aria-pressed', String(state.view === 'workload'));
            renderFilterNote();
            renderLegend();
            updateTokenButton();
            bind();
            try {
              await loadPods();
            } catch (error) {
              showError(error);
            }
            await loadMatrix();
            if (state.picked) pickPod(state.picked);
          }

          if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
          else start();
        })();
        """##.utf8)
}
