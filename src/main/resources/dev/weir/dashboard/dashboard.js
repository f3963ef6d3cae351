// The Weir dashboard (docs/dashboard.md): polls the coordinator's REST API (docs/rest-api.md) once
// a second and draws one job: its graph with live rates coloured by back-pressure, throughput and
// checkpoint-duration charts, the checkpoint table and the exceptions; its buttons take a savepoint
// and stop the job with one. The page's address names the job and may carry its token in the
// fragment (#job=<job>&token=<token>): browsers never send a fragment, so the token reaches the
// server only as the actions' Authorization header.
(function () {
  'use strict';

  const POLL_MS = 1000;
  const JOB_LIST_EVERY = 5;
  const CHART_POINTS = 300;
  const CHECKPOINTS_KEPT = 300;
  const BOX_WIDTH = 240;
  const BOX_HEIGHT = 188;
  const COLUMN_GAP = 90;
  const ROW_GAP = 24;
  const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  const SERIES_COLOURS = ['#2f6fd6', '#d1495b', '#2e8540', '#c77700', '#7b4fd6', '#00838f', '#8d6e63'];

  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat('en', {maximumFractionDigits: 1});
  const whole = new Intl.NumberFormat('en', {maximumFractionDigits: 0});

  const view = {
    job: null,
    polls: 0,
    graphKey: null,
    throughput: null,
    throughputKey: null,
    throughputData: null,
    checkpointChart: null,
    checkpoints: new Map(),
    selectedCheckpoint: null,
    detailsShown: null,
    busy: false,
    state: null,
  };

  // ---- the address: which job, and its token ----

  function readAddress() {
    const params = new URLSearchParams(location.hash.slice(1));
    const job = params.get('job');
    const token = params.get('token');
    if (job && token) {
      sessionStorage.setItem(tokenKey(job), token);
      // Off the address bar (and out of the history, bookmarks and screenshots); kept for this tab.
      history.replaceState(null, '', '#job=' + encodeURIComponent(job));
    }
    return job;
  }

  function tokenKey(job) {
    return 'weir.token.' + job;
  }

  function token() {
    return view.job === null ? null : sessionStorage.getItem(tokenKey(view.job));
  }

  function selectJob(job) {
    if (job === view.job) {
      return;
    }
    view.job = job;
    view.graphKey = null;
    view.throughputKey = null;
    view.checkpoints = new Map();
    view.state = null;
    $('graph').replaceChildren(element('p', 'empty', 'Waiting for the job\'s graph…'));
    $('checkpoints').tBodies[0].replaceChildren();
    $('token-form').hidden = true;
    showMessage(null);
    drawCheckpointChart();
    if (job !== null && location.hash !== '#job=' + encodeURIComponent(job)) {
      history.replaceState(null, '', '#job=' + encodeURIComponent(job));
    }
  }

  // ---- talking to the REST API ----

  function api(path) {
    return 'v1/jobs' + (path === undefined ? '' : '/' + path);
  }

  async function getJson(path) {
    const response = await fetch(api(path), {cache: 'no-store'});
    if (!response.ok) {
      throw new Error(await errorOf(response));
    }
    return response.json();
  }

  async function errorOf(response) {
    try {
      const body = await response.json();
      return body.error || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  async function poll() {
    try {
      if (view.polls % JOB_LIST_EVERY === 0 || view.job === null) {
        const list = await getJson();
        showJobList(list.jobs);
        if (view.job === null && list.jobs.length > 0) {
          selectJob(list.jobs[0].name);
        }
      }
      view.polls++;
      if (view.job !== null) {
        const job = encodeURIComponent(view.job);
        const [overview, history] = await Promise.all([getJson(job), getJson(job + '/checkpoints')]);
        showOverview(overview);
        showCheckpoints(history.checkpoints);
      }
      $('connection').hidden = true;
    } catch (e) {
      const connection = $('connection');
      connection.textContent = 'Cannot read ' + (view.job || 'the jobs') + ' from ' + location.host + ': '
          + e.message + '. The figures below are the last ones read' + (view.state === 'RUNNING'
          ? ' (a job run by weir local ends with its process).' : '.');
      connection.hidden = false;
    }
    setTimeout(poll, POLL_MS);
  }

  function showJobList(jobs) {
    const select = $('job-select');
    const names = jobs.map((j) => j.name);
    if (view.job !== null && !names.includes(view.job)) {
      names.push(view.job);
    }
    const current = Array.from(select.options).map((o) => o.value);
    if (current.join('\n') !== names.join('\n')) {
      select.replaceChildren(...names.map((name) => {
        const option = element('option', null, name);
        option.value = name;
        return option;
      }));
    }
    select.value = view.job || '';
  }

  // ---- the overview: state, graph, throughput, exceptions ----

  function showOverview(overview) {
    view.state = overview.state;
    const state = $('job-state');
    state.textContent = overview.state;
    state.className = 'state state-' + overview.state;
    const counts = overview.checkpoints;
    $('job-facts').textContent = 'attempt ' + overview.attempt + ' · restarts ' + overview.restarts + ' · uptime '
        + duration(overview.uptimeMs);
    $('checkpoint-counts').textContent = counts.completed + ' completed, ' + counts.failed + ' failed, '
        + counts.inProgress + ' in progress';
    const running = overview.state === 'RUNNING';
    $('savepoint').disabled = view.busy || !running;
    $('stop').disabled = view.busy || !running;
    if (overview.graph) {
      showGraph(overview.graph);
      recordThroughput(overview.graph.vertices);
    }
    showExceptions(overview.exceptions);
  }

  /** Vertices in columns by their distance from a source; edges as curves between them. */
  function showGraph(graph) {
    const key = JSON.stringify([graph.vertices.map((v) => [v.name, v.parallelism]), graph.edges]);
    if (key !== view.graphKey) {
      view.graphKey = key;
      layOutGraph(graph);
    }
    for (const vertex of graph.vertices) {
      const box = document.querySelector('.vertex[data-vertex="' + CSS.escape(vertex.name) + '"]');
      if (box !== null) {
        fillVertex(box, vertex);
      }
    }
  }

  function layOutGraph(graph) {
    const column = new Map(graph.vertices.map((v) => [v.name, 0]));
    // Longest path from a source; the graph is acyclic, so |V| rounds settle it.
    for (let round = 0; round < graph.vertices.length; round++) {
      for (const edge of graph.edges) {
        column.set(edge.to, Math.max(column.get(edge.to) || 0, (column.get(edge.from) || 0) + 1));
      }
    }
    const rows = new Map();
    const position = new Map();
    for (const vertex of graph.vertices) {
      const c = column.get(vertex.name);
      const r = rows.get(c) || 0;
      rows.set(c, r + 1);
      position.set(vertex.name, {x: c * (BOX_WIDTH + COLUMN_GAP), y: r * (BOX_HEIGHT + ROW_GAP)});
    }
    const width = Math.max(...Array.from(position.values()).map((p) => p.x)) + BOX_WIDTH + 2;
    const height = Math.max(...Array.from(position.values()).map((p) => p.y)) + BOX_HEIGHT + 2;
    const container = $('graph');
    container.style.height = (height + 4) + 'px';
    const svg = svgElement('svg', {width: width, height: height});
    const defs = svgElement('defs', {});
    const marker = svgElement('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: 'auto'});
    marker.appendChild(svgElement('path', {d: 'M0,0 L10,5 L0,10 z'}));
    defs.appendChild(marker);
    svg.appendChild(defs);
    for (const edge of graph.edges) {
      const from = position.get(edge.from);
      const to = position.get(edge.to);
      if (!from || !to) {
        continue;
      }
      const x1 = from.x + BOX_WIDTH;
      const y1 = from.y + BOX_HEIGHT / 2;
      const x2 = to.x - 2;
      const y2 = to.y + BOX_HEIGHT / 2;
      const bend = (x2 - x1) / 2;
      svg.appendChild(svgElement('path', {d: 'M' + x1 + ',' + y1 + ' C' + (x1 + bend) + ',' + y1 + ' '
          + (x2 - bend) + ',' + y2 + ' ' + x2 + ',' + y2, 'marker-end': 'url(#arrow)'}));
      const label = svgElement('text', {x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle'});
      label.textContent = edge.partitioning;
      svg.appendChild(label);
    }
    const boxes = graph.vertices.map((vertex) => {
      const box = element('div', 'vertex');
      box.dataset.vertex = vertex.name;
      box.dataset.source = vertex.source;
      box.style.left = position.get(vertex.name).x + 'px';
      box.style.top = position.get(vertex.name).y + 'px';
      box.style.height = BOX_HEIGHT + 'px';
      box.append(element('div', 'vertex-name', vertex.name),
          element('div', 'vertex-operators', (vertex.operatorNames || vertex.operators).join(' → ')),
          element('div', 'vertex-figures'));
      return box;
    });
    container.replaceChildren(svg, ...boxes);
  }

  function fillVertex(box, vertex) {
    const pressure = Math.min(1, vertex.backPressuredMsPerSecondMax / 1000);
    // Flink's colours: green when nothing waits, through yellow, to red when the task mostly waits downstream.
    const hue = Math.round(120 * (1 - pressure));
    box.style.background = 'hsl(' + hue + ', 70%, 92%)';
    box.style.borderColor = 'hsl(' + hue + ', 60%, 42%)';
    box.dataset.recordsInPerSecond = vertex.recordsInPerSecond;
    box.dataset.recordsOutPerSecond = vertex.recordsOutPerSecond;
    box.dataset.backPressure = pressureLevel(pressure);
    const figures = box.querySelector('.vertex-figures');
    figures.replaceChildren(
        element('span', null, 'parallelism'), element('span', 'vertex-parallelism', String(vertex.parallelism)),
        element('span', null, 'in'), element('span', 'vertex-in', rate(vertex.recordsInPerSecond)),
        element('span', null, 'out'), element('span', 'vertex-out', rate(vertex.recordsOutPerSecond)),
        element('span', null, 'busy'), element('span', null, percent(vertex.busyMsPerSecondMax)),
        element('span', null, 'back-pressure'), element('span', 'vertex-pressure',
            pressureLevel(pressure) + ' (' + percent(vertex.backPressuredMsPerSecondMax) + ')'),
        element('span', null, 'watermark'), element('span', 'vertex-watermark', watermarkLag(vertex)));
    if (vertex.source) {
      // Records not read yet from the external system (Kafka: the consumer lag), summed over the subtasks.
      box.dataset.pendingRecords = pending(vertex.pendingRecords);
      figures.append(element('span', null, 'pending'), element('span', 'vertex-pending', pending(vertex.pendingRecords)));
    }
    box.title = vertex.subtasks.map((s) => 'subtask ' + s.subtask + ' (worker ' + s.worker + '): in '
        + number.format(s.recordsInPerSecond) + '/s, out ' + number.format(s.recordsOutPerSecond) + '/s, busy '
        + percent(s.busyMsPerSecond) + ', back-pressured ' + percent(s.backPressuredMsPerSecond) + ', idle '
        + percent(s.idleMsPerSecond) + ', watermark ' + watermarkTime(s.watermark)
        + (vertex.source ? ', pending ' + pending(s.pendingRecords) : '')).join('\n')
        || 'no subtask has reported yet';
  }

  /** A source's pending records; null: the source cannot tell (the generator) or has not measured yet. */
  function pending(records) {
    return records === null || records === undefined ? 'unknown' : whole.format(records);
  }

  /** A vertex's lowest watermark as how far it is behind now; JSON numbers past 2^53 mean the end of input. */
  function watermarkLag(vertex) {
    if (vertex.watermark === null || vertex.watermark === undefined) {
      return 'none';
    }
    return vertex.watermark >= Number.MAX_SAFE_INTEGER ? 'end of input' : duration(vertex.watermarkLagMs) + ' behind';
  }

  function watermarkTime(watermark) {
    if (watermark === null || watermark === undefined) {
      return 'none';
    }
    return watermark >= Number.MAX_SAFE_INTEGER ? 'end of input' : new Date(watermark).toISOString();
  }

  /** Flink's levels: OK up to 10 % of the time back-pressured, LOW up to 50 %, HIGH above. */
  function pressureLevel(ratio) {
    return ratio <= 0.1 ? 'OK' : ratio <= 0.5 ? 'LOW' : 'HIGH';
  }

  function percent(msPerSecond) {
    return number.format(msPerSecond / 10) + ' %';
  }

  /** A source's records out per second, every other task's records in: what each task gets through. */
  function recordThroughput(vertices) {
    const key = vertices.map((v) => v.name).join('\n');
    if (key !== view.throughputKey) {
      view.throughputKey = key;
      view.throughputData = [[], ...vertices.map(() => [])];
      const series = [{}, ...vertices.map((v, i) => ({
        label: v.name + (v.source ? ' out' : ' in'),
        stroke: SERIES_COLOURS[i % SERIES_COLOURS.length],
        width: 2,
        value: (u, value) => value === null ? '–' : number.format(value),
      }))];
      view.throughput = chart(view.throughput, 'throughput-chart', series, view.throughputData);
    }
    const data = view.throughputData;
    data[0].push(Date.now() / 1000);
    vertices.forEach((v, i) => data[i + 1].push(v.source ? v.recordsOutPerSecond : v.recordsInPerSecond));
    if (data[0].length > CHART_POINTS) {
      data.forEach((column) => column.shift());
    }
    view.throughput.setData(data);
  }

  function showExceptions(exceptions) {
    const list = $('exceptions');
    if (exceptions.length === 0) {
      list.replaceChildren(element('li', 'empty', 'None.'));
      return;
    }
    list.replaceChildren(...exceptions.map((e) => {
      const item = element('li');
      item.append(element('span', 'when', new Date(e.time).toLocaleString() + ' · attempt ' + e.attempt),
          element('span', 'cause', e.cause),
          element('span', null, e.restarted ? 'restarted' : 'ended the job'),
          element('span', 'message', e.message));
      return item;
    }));
  }

  // ---- checkpoints: table and chart ----

  function showCheckpoints(entries) {
    for (const entry of entries) {
      view.checkpoints.set(entry.id, entry);
    }
    while (view.checkpoints.size > CHECKPOINTS_KEPT) {
      view.checkpoints.delete(Math.min(...view.checkpoints.keys()));
    }
    $('checkpoints').tBodies[0].replaceChildren(...entries.map((c) => {
      const done = c.status === 'COMPLETED';
      const row = element('tr', 'status-' + c.status + ' type-' + c.type
          + (done ? ' selectable' : '') + (c.id === view.selectedCheckpoint ? ' selected' : ''));
      row.dataset.id = c.id;
      row.dataset.status = c.status;
      row.dataset.type = c.type;
      if (done) {
        row.title = 'Show each subtask\'s part of ' + c.type.toLowerCase() + ' ' + c.id;
        row.addEventListener('click', () => selectCheckpoint(c.id));
      }
      row.append(element('td', 'num', String(c.id)), element('td', 'type', c.type),
          element('td', 'status', c.status), element('td', null, new Date(c.triggerTime).toLocaleTimeString()),
          element('td', 'num', c.status === 'IN_PROGRESS' ? '' : duration(c.durationMs)),
          element('td', 'num', done ? bytes(c.sizeBytes) : ''),
          element('td', 'num', done ? duration(c.alignmentMsMax) : ''),
          element('td', 'num', done ? duration(c.syncMsMax) : ''),
          element('td', 'num', done ? duration(c.asyncMsMax) : ''),
          element('td', 'location', c.status === 'FAILED' ? c.failureReason + ': ' + c.failureMessage
              : c.location || ''));
      return row;
    }));
    showCheckpointDetails();
    drawCheckpointChart();
  }

  function selectCheckpoint(id) {
    view.selectedCheckpoint = id;
    for (const row of $('checkpoints').tBodies[0].rows) {
      row.classList.toggle('selected', Number(row.dataset.id) === id);
    }
    showCheckpointDetails();
  }

  /** The selected checkpoint's part of every subtask: when it acknowledged, and its delay, alignment, sync, async and size. */
  function showCheckpointDetails() {
    const c = view.checkpoints.get(view.selectedCheckpoint);
    const section = $('checkpoint-details-section');
    if (!c || c.status !== 'COMPLETED') {
      section.hidden = true;
      view.detailsShown = null;
      return;
    }
    section.hidden = false;
    if (view.detailsShown === c.id) {
      return; // a completed checkpoint's figures never change
    }
    view.detailsShown = c.id;
    $('checkpoint-details-title').textContent = (c.type === 'SAVEPOINT' ? 'Savepoint ' : 'Checkpoint ') + c.id
        + ' per subtask';
    const rows = [];
    for (const task of c.tasks || []) {
      for (const s of task.subtasks) {
        const row = element('tr');
        row.dataset.task = task.name;
        row.dataset.subtask = s.subtask;
        row.dataset.stateSize = s.stateSize;
        row.append(element('td', null, task.name), element('td', 'num', String(s.subtask)),
            element('td', 'num', duration(s.ackMs)), element('td', 'num', duration(s.startDelayMs)),
            element('td', 'num', duration(s.alignmentMs)), element('td', 'num', duration(s.syncMs)),
            element('td', 'num', duration(s.asyncMs)), element('td', 'num', bytes(s.stateSize)));
        rows.push(row);
      }
      const total = element('tr', 'task-total');
      total.append(element('td', null, task.name + ' (all)'), element('td'),
          element('td', 'num', duration(task.durationMs)), element('td'), element('td'), element('td'),
          element('td'), element('td', 'num', bytes(task.sizeBytes)));
      rows.push(total);
    }
    $('checkpoint-details').tBodies[0].replaceChildren(...rows);
  }

  function drawCheckpointChart() {
    const completed = Array.from(view.checkpoints.values()).filter((c) => c.status === 'COMPLETED')
        .sort((a, b) => a.triggerTime - b.triggerTime);
    const data = [completed.map((c) => c.triggerTime / 1000),
      completed.map((c) => c.type === 'CHECKPOINT' ? c.durationMs : null),
      completed.map((c) => c.type === 'SAVEPOINT' ? c.durationMs : null)];
    if (view.checkpointChart === null) {
      view.checkpointChart = chart(null, 'checkpoint-chart', [{},
        {label: 'checkpoint', stroke: SERIES_COLOURS[0], width: 2, spanGaps: true, points: {show: true, size: 5}},
        {label: 'savepoint', stroke: SERIES_COLOURS[1], width: 0, paths: () => null,
          points: {show: true, size: 9, fill: SERIES_COLOURS[1]}}], data);
    } else {
      view.checkpointChart.setData(data);
    }
  }

  function chart(old, containerId, series, data) {
    if (old !== null) {
      old.destroy();
    }
    const container = $(containerId);
    return new uPlot({
      width: Math.max(300, container.clientWidth),
      height: 220,
      series: series,
      scales: {x: {time: true}},
      // Whole seconds at least between time ticks, shown as the clock: the polls come once a second.
      axes: [{space: 80, incrs: TIME_STEPS, values: (u, splits) => splits.map(clock)},
        {size: 60, values: (u, values) => values.map((v) => number.format(v))}],
      legend: {live: true},
    }, data, container);
  }

  function resizeCharts() {
    for (const [plot, id] of [[view.throughput, 'throughput-chart'], [view.checkpointChart, 'checkpoint-chart']]) {
      if (plot !== null) {
        plot.setSize({width: Math.max(300, $(id).clientWidth), height: 220});
      }
    }
  }

  // ---- actions ----

  async function act(path, describe) {
    const job = view.job;
    const bearer = token();
    if (bearer === null) {
      askForToken('Actions on ' + job + ' need its token.');
      return;
    }
    view.busy = true;
    $('savepoint').disabled = true;
    $('stop').disabled = true;
    showMessage(describe.started, 'info');
    try {
      const response = await fetch(api(encodeURIComponent(job) + '/' + path), {
        method: 'POST',
        headers: {Authorization: 'Bearer ' + bearer},
        cache: 'no-store',
      });
      if (response.status === 401) {
        sessionStorage.removeItem(tokenKey(job));
        askForToken('The endpoint refused the token for ' + job + ': ' + await errorOf(response));
      } else if (!response.ok) {
        showMessage(await errorOf(response), 'error');
      } else {
        showMessage(describe.done(await response.json()), 'ok');
      }
    } catch (e) {
      showMessage(describe.failed + ': ' + e.message, 'error');
    } finally {
      view.busy = false;
    }
  }

  function savepoint() {
    act('savepoints', {
      started: 'Taking a savepoint of ' + view.job + '…',
      done: (s) => 'Savepoint ' + s.id + ' of ' + view.job + ' completed in ' + duration(s.durationMs) + ' ('
          + bytes(s.sizeBytes) + '): ' + s.location,
      failed: 'The savepoint request failed',
    });
  }

  function stop() {
    if (!window.confirm('Stop ' + view.job + ' with a savepoint? It can be resumed from that savepoint.')) {
      return;
    }
    act('stop', {
      started: 'Stopping ' + view.job + ' with a savepoint…',
      done: () => 'Stopping ' + view.job + ' with a savepoint: the job ends SUSPENDED once it is taken'
          + ' (weir local prints it, to resume with --restore <savepoint>; on Kubernetes the StreamJob\'s'
          + ' status.savepointHistory records it).',
      failed: 'The stop request failed',
    });
  }

  function askForToken(why) {
    showMessage(why, 'error');
    $('token-form').hidden = false;
    $('token-input').focus();
  }

  function useToken() {
    const value = $('token-input').value.trim();
    if (value === '' || view.job === null) {
      return;
    }
    sessionStorage.setItem(tokenKey(view.job), value);
    $('token-input').value = '';
    $('token-form').hidden = true;
    showMessage('Token set for ' + view.job + '.', 'ok');
  }

  function showMessage(text, kind) {
    const message = $('message');
    message.hidden = text === null;
    message.textContent = text || '';
    message.className = kind || '';
  }

  // ---- formatting and DOM ----

  function duration(ms) {
    if (ms < 1000) {
      return number.format(ms) + ' ms';
    }
    const seconds = ms / 1000;
    if (seconds < 120) {
      return number.format(seconds) + ' s';
    }
    const minutes = Math.floor(seconds / 60);
    return minutes < 120 ? minutes + ' min ' + Math.floor(seconds % 60) + ' s'
        : Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function clock(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
  }

  function rate(perSecond) {
    return (perSecond >= 100 ? whole : number).format(perSecond) + ' /s';
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return number.format(value) + ' ' + units[unit];
  }

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function svgElement(tag, attributes) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attributes)) {
      e.setAttribute(name, String(value));
    }
    return e;
  }

  // ---- start ----

  $('savepoint').addEventListener('click', savepoint);
  $('stop').addEventListener('click', stop);
  $('token-use').addEventListener('click', useToken);
  $('token-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      useToken();
    }
  });
  $('job-select').addEventListener('change', (e) => selectJob(e.target.value));
  window.addEventListener('hashchange', () => {
    selectJob(readAddress());
    if (token() !== null) {
      $('token-form').hidden = true;
    }
  });
  window.addEventListener('resize', resizeCharts);
  selectJob(readAddress());
  poll();
}());
