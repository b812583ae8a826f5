/* Pooler Web Console page "Pools": refreshes itself from data.json and posts actions to action.
 * Every value from the server goes into the page as text (textContent, setAttribute), never as markup. */
(function () {
  'use strict';

  var page = document.getElementById('pooler');
  if (!page) {
    return;
  }
  // location.origin carries no user:password@, which fetch() would refuse.
  var base = location.origin + page.getAttribute('data-root');
  var REFRESH_MS = 2000;
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var timer = null;
  var strategiesShown = '';
  var actionsShown = '';

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function fillTable(tableId, rows, emptyText) {
    var table = $(tableId);
    var body = table.tBodies[0];
    clear(body);
    if (rows.length === 0) {
      var tr = el('tr');
      var td = el('td', emptyText, 'pooler-empty');
      td.colSpan = table.tHead.rows[0].cells.length;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (r) {
      body.appendChild(r);
    });
  }

  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      if (c instanceof Node) {
        var td = el('td');
        td.appendChild(c);
        tr.appendChild(td);
      } else {
        tr.appendChild(el('td', c === null || c === undefined ? '' : c));
      }
    });
    return tr;
  }

  function pct(x) {
    return Math.round(100 * x) + ' %';
  }

  function memory(kb) {
    return kb < 0 ? 'unknown' : (kb / 1024).toFixed(1) + ' MiB';
  }

  function cpu(load) {
    return load === undefined || load < 0 ? 'unknown' : pct(load);
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString();
  }

  function message(text, isError) {
    var m = $('action-message');
    m.textContent = text;
    m.className = 'pooler-message ' + (isError ? 'pooler-error' : 'pooler-ok');
  }

  // ---- rendering

  function renderNotices(d) {
    var box = $('pooler-notices');
    clear(box);
    if (!d.present.registry) {
      box.appendChild(el('p', 'The pool registry (bundle dev.pooler.core.impl) is not running: no pools.', 'pooler-warn'));
    }
    if (!d.present.router) {
      box.appendChild(el('p', 'No request router is running: a strategy switch is stored and takes effect when it starts.', 'pooler-warn'));
    }
  }

  function renderStrategy(s) {
    $('strategy-active').textContent = s.active === null ? '(no router)' : s.active;
    var configured = s.stored !== null ? s.stored : s.configured;
    $('strategy-configured').textContent = configured === null ? '(default)' : configured;
    $('strategy-available').textContent = s.available.length ? s.available.join(', ') : '(none)';
    var select = $('strategy-select');
    var key = s.available.join('\n');
    if (key !== strategiesShown && document.activeElement !== select) {
      strategiesShown = key;
      clear(select);
      s.available.forEach(function (name) {
        var o = el('option', name);
        o.value = name;
        select.appendChild(o);
      });
      if (s.active !== null) {
        select.value = s.active;
      }
    }
  }

  function renderPools(pools) {
    fillTable('pools-table', pools.map(function (p) {
      var health = el('span', p.health.status, 'pooler-health pooler-health-' + p.health.status);
      health.title = p.health.detail + '; ' + pct(p.health.successRate) + ' answered with a result';
      var tr = row([p.id, p.type, p.state, p.size, p.workers, p.busy, p.queued, pct(p.utilization), p.lent,
        p.borrowed, p.completed, p.failed, p.p50Ms.toFixed(1), health, p.specialization === null ? '' : p.specialization,
        p.remote ? p.zone + ' (node ' + p.node + ')' : p.zone, p.pipelineDepth === undefined ? '' : p.pipelineDepth]);
      tr.setAttribute('data-pool', p.id);
      return tr;
    }), 'No pools. Add a dev.pooler.pool configuration (conf/ or Configuration page).');
  }

  function renderWorkers(workers) {
    fillTable('workers-table', workers.map(function (w) {
      return row([w.id, w.pool, w.pid, w.state, w.served, memory(w.rssKb), cpu(w.cpu), w.owner, w.lentTo === null ? '' : w.lentTo]);
    }), 'No workers.');
  }

  function renderDecisions(decisions, routerPresent) {
    fillTable('decisions-table', decisions.map(function (d) {
      return row([time(d.t), d.command, d.capability, d.strategy, d.pool === null ? '(none)' : d.pool,
        d.candidates, d.decisionMicros.toFixed(1), d.outcome]);
    }), routerPresent ? 'No request routed yet.' : 'No request router is running.');
  }

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) {
      e.setAttribute(k, String(attrs[k]));
    });
    if (text !== undefined) {
      e.textContent = String(text);
    }
    return e;
  }

  function renderChart(history, pools) {
    var box = $('chart');
    clear(box);
    var W = 720, H = 220, L = 44, R = 150, T = 10, B = 24;
    var plotW = W - L - R, plotH = H - T - B;
    var chart = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img',
      'aria-label': 'Pool utilization over the last minutes'});
    var span = history.capacity * history.intervalMs;
    var now = history.samples.length ? history.samples[history.samples.length - 1].t : Date.now();
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      var y = T + plotH * (1 - f);
      chart.appendChild(svg('line', {x1: L, x2: L + plotW, y1: y, y2: y, 'class': 'pooler-grid'}));
      chart.appendChild(svg('text', {x: L - 6, y: y + 4, 'text-anchor': 'end', 'class': 'pooler-axis'}, Math.round(f * 100) + '%'));
    });
    var minutes = Math.round(span / 60000);
    chart.appendChild(svg('text', {x: L, y: H - 6, 'class': 'pooler-axis'}, '-' + minutes + ' min'));
    chart.appendChild(svg('text', {x: L + plotW, y: H - 6, 'text-anchor': 'end', 'class': 'pooler-axis'}, 'now'));
    pools.forEach(function (p, i) {
      var color = COLORS[i % COLORS.length];
      var points = [];
      history.samples.forEach(function (s) {
        if (Object.prototype.hasOwnProperty.call(s.u, p.id)) {
          var x = L + plotW * (1 - (now - s.t) / span);
          var y = T + plotH * (1 - Math.max(0, Math.min(1, s.u[p.id])));
          if (x >= L) {
            points.push(x.toFixed(1) + ',' + y.toFixed(1));
          }
        }
      });
      if (points.length) {
        chart.appendChild(svg('polyline', {points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': 2}));
      }
      var ly = T + 14 + i * 18;
      chart.appendChild(svg('rect', {x: L + plotW + 12, y: ly - 9, width: 10, height: 10, fill: color}));
      chart.appendChild(svg('text', {x: L + plotW + 28, y: ly, 'class': 'pooler-legend'}, p.id));
    });
    box.appendChild(chart);
  }

  function renderSections(sections) {
    var box = $('sections');
    $('sections-absent').style.display = sections.length ? 'none' : '';
    // Tables are redrawn each time; action forms only when the set of actions changes, so that
    // what an operator is typing is not wiped by a refresh.
    var key = JSON.stringify(sections.map(function (s) {
      return [s.name, s.actions];
    }));
    var rebuild = key !== actionsShown;
    if (rebuild) {
      actionsShown = key;
      clear(box);
    }
    sections.forEach(function (s, i) {
      var id = 'section-' + i;
      var part = document.getElementById(id);
      if (!part) {
        part = el('div', null, 'pooler-section');
        part.id = id;
        part.setAttribute('data-section', s.name);
        part.appendChild(el('h3', s.title, 'pooler-h'));
        part.appendChild(el('div', null, 'pooler-section-tables'));
        part.appendChild(actionForms(s));
        box.appendChild(part);
      }
      var tables = part.querySelector('.pooler-section-tables');
      clear(tables);
      s.tables.forEach(function (t) {
        tables.appendChild(el('h4', t.title));
        var table = el('table', null, 'nicetable pooler-table');
        var head = el('tr');
        t.columns.forEach(function (c) {
          head.appendChild(el('th', c));
        });
        table.appendChild(el('thead')).appendChild(head);
        var body = el('tbody');
        t.rows.forEach(function (r) {
          body.appendChild(row(r));
        });
        if (!t.rows.length) {
          var tr = el('tr');
          var td = el('td', '(none)', 'pooler-empty');
          td.colSpan = Math.max(1, t.columns.length);
          tr.appendChild(td);
          body.appendChild(tr);
        }
        table.appendChild(body);
        tables.appendChild(table);
      });
    });
  }

  function actionForms(section) {
    var box = el('div', null, 'pooler-actions');
    section.actions.forEach(function (a) {
      var form = el('form', null, 'pooler-action');
      form.setAttribute('data-action', a.name);
      a.parameters.forEach(function (p) {
        var label = el('label', p + ' ');
        var input = el('input');
        input.name = p;
        input.type = 'text';
        input.required = true;
        label.appendChild(input);
        form.appendChild(label);
      });
      var button = el('button', a.label, 'ui-state-default ui-corner-all');
      button.type = 'submit';
      form.appendChild(button);
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var params = {};
        a.parameters.forEach(function (p) {
          params[p] = form.elements[p].value;
        });
        post({action: 'perform', name: a.name, params: params});
      });
      box.appendChild(form);
    });
    return box;
  }

  function render(d) {
    renderNotices(d);
    renderStrategy(d.strategy);
    renderPools(d.pools);
    renderChart(d.history, d.pools);
    renderWorkers(d.workers);
    renderSections(d.sections);
    renderDecisions(d.decisions, d.present.router);
    page.setAttribute('data-updated', String(d.generatedAt));
  }

  // ---- data and actions

  function refresh() {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    fetch(base + '/data.json', {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(render)
      .catch(function (e) {
        message('Cannot refresh: ' + e.message, true);
      })
      .then(function () {
        timer = setTimeout(refresh, REFRESH_MS);
      });
  }

  function post(payload) {
    message('…', false);
    return fetch(base + '/action', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json();
    }).then(function (j) {
      if (j.ok) {
        message(j.message, false);
      } else {
        message(j.error.kind + ': ' + j.error.message, true);
      }
    }).catch(function (e) {
      message('Failed: ' + e.message, true);
    }).then(refresh);
  }

  $('strategy-apply').addEventListener('click', function () {
    var name = $('strategy-select').value;
    if (name) {
      post({action: 'strategy', strategy: name});
    }
  });
  $('rebalance').addEventListener('click', function () {
    post({action: 'rebalance'});
  });

  refresh();
}());
