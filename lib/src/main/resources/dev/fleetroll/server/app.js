// fleetroll web UI: swaps the server-rendered fragments (every datum escaped by the server) when the filter or sort
// changes and when the server pushes a change over SSE (/api/v1/events). Never builds HTML from data itself.
(function () {
  'use strict';
  var body = document.body;
  var page = body.getAttribute('data-page');
  var pending = null;

  function showError(msg) {
    var e = document.getElementById('error');
    if (!e) return;
    e.textContent = msg || '';
    e.hidden = !msg;
  }

  function indexQuery() {
    var f = document.getElementById('filter').value;
    var s = document.getElementById('sort').value;
    return '?filter=' + encodeURIComponent(f) + '&sort=' + encodeURIComponent(s);
  }

  function refresh() {
    if (pending) { pending.again = true; return; }
    pending = { again: false };
    var url;
    if (page === 'index') url = '/ui/table' + indexQuery();
    else if (page === 'host') url = '/ui/host/' + encodeURIComponent(body.getAttribute('data-host'));
    else return;
    fetch(url, { headers: { Accept: 'text/html' } }).then(function (r) {
      if (r.ok) {
        return r.text().then(function (html) {
          document.getElementById(page === 'index' ? 'table' : 'detail').innerHTML = html;
          showError('');
          if (page === 'index') history.replaceState(null, '', '/' + indexQuery());
          body.setAttribute('data-rendered', String(Date.now()));
        });
      }
      return r.json().then(function (j) { showError(j.error); }, function () { showError('HTTP ' + r.status); });
    }, function (err) { showError('cannot reach the server: ' + err); }).then(function () {
      var again = pending.again;
      pending = null;
      if (again) refresh();
    });
  }

  if (page === 'index') {
    document.getElementById('filter-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      refresh();
    });
    document.getElementById('named').addEventListener('change', function (ev) {
      if (ev.target.value) {
        document.getElementById('filter').value = ev.target.value;
        refresh();
      }
    });
    document.getElementById('table').addEventListener('click', function (ev) {
      var th = ev.target.closest('th[data-col]');
      if (!th) return;
      ev.preventDefault();
      var col = th.getAttribute('data-col');
      var sort = document.getElementById('sort');
      sort.value = (sort.value === col || sort.value === col + ':asc') ? col + ':desc' : col;
      refresh();
    });
  }

  if (window.EventSource) {
    var es = new EventSource('/api/v1/events');
    es.addEventListener('hello', function () { body.setAttribute('data-live', 'connected'); });
    es.addEventListener('change', function (ev) {
      if (page === 'host') {
        var d = JSON.parse(ev.data);
        var host = body.getAttribute('data-host');
        if (d.hosts.length && d.hosts.indexOf(host) < 0) return;
      }
      refresh();
    });
    es.onerror = function () { body.setAttribute('data-live', 'reconnecting'); };
  }
})();
