// The wall's script: a Beijing-time clock, and the figures from /screen/data every 30 seconds.
// A failed fetch keeps the last figures and marks them stale (amber); nothing here reaches any
// origin but this server. Text from the server is set with textContent only.
(function () {
  "use strict";

  var params = new URLSearchParams(window.location.search);
  // The screen key comes once in the fragment (#key=…), which the browser never sends: it is
  // posted to /screen/session for an HttpOnly cookie and removed from the address bar at once.
  var fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  var key = fragment.get("key");
  if (key) history.replaceState(null, "", window.location.pathname + window.location.search);
  var refreshSeconds = Math.min(Math.max(Number(params.get("refresh")) || 30, 2), 3600);
  var base = window.location.pathname.replace(/\/$/, "");
  var dataUrl = base + "/data";
  var sessionUrl = base + "/session";
  var ZONE = "Asia/Shanghai";
  var timeFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: ZONE, hour12: false, hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  var dateFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: ZONE, year: "numeric", month: "long", day: "numeric", weekday: "long",
  });
  var lastGood = null; // the as_of of the figures on the wall

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // --- fit the 1920×1080 canvas to whatever the wall is --------------------------------------

  function fit() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    var screen = $("screen");
    screen.style.transform = "scale(" + scale + ")";
    screen.style.left = Math.max(0, (window.innerWidth - 1920 * scale) / 2) + "px";
    screen.style.top = Math.max(0, (window.innerHeight - 1080 * scale) / 2) + "px";
  }

  // --- clock -------------------------------------------------------------------------------

  function tick() {
    var now = new Date();
    $("clock-time").textContent = timeFormat.format(now);
    $("clock-date").textContent = dateFormat.format(now).replace("星期", " 星期");
  }

  // --- figures -----------------------------------------------------------------------------

  function count(n) { return Number(n).toLocaleString("zh-CN"); }

  function percent(rate) { return rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + "%"; }

  function grade(rate) {
    if (rate === null || rate === undefined) return "none";
    return rate >= 0.9 ? "good" : rate >= 0.75 ? "fair" : "poor";
  }

  function setFigure(id, value) {
    var node = $(id);
    var text = count(value);
    if (node.textContent !== text) {
      node.textContent = text;
      node.dataset.value = String(value);
      node.classList.remove("changed");
      void node.offsetWidth; // restart the flash
      node.classList.add("changed");
    }
  }

  function setGauge(id, valueId, rate) {
    var gauge = $(id);
    var arc = gauge.querySelector(".arc");
    var length = 2 * Math.PI * 100;
    gauge.classList.remove("good", "fair", "poor", "none");
    gauge.classList.add(grade(rate));
    arc.style.strokeDasharray = length + " " + length;
    arc.style.strokeDashoffset = String(length * (1 - (rate || 0)));
    var value = $(valueId);
    if (rate === null || rate === undefined) {
      value.textContent = "—";
    } else {
      value.textContent = rate >= 0.9995 ? "100" : (rate * 100).toFixed(1); // "100.0%" would touch the ring
      value.appendChild(el("small", null, "%"));
    }
  }

  function showRanking(rows) {
    var list = $("ranking");
    list.replaceChildren();
    rows.forEach(function (row) {
      var item = el("li");
      item.appendChild(el("span", "rank", row.rank));
      item.appendChild(el("span", "dept", row.department)).title = row.department;
      var score = el("span", "score");
      var bar = el("span", "bar");
      var fill = el("i");
      fill.style.width = Math.max(0, Math.min(100, row.score)) + "%";
      bar.appendChild(fill);
      score.appendChild(bar);
      score.appendChild(el("b", null, row.score.toFixed(1)));
      item.appendChild(score);
      item.appendChild(el("span", "pct " + grade(row.on_time_closure_rate), percent(row.on_time_closure_rate)));
      item.appendChild(el("span", "pct " + grade(row.satisfaction_rate), percent(row.satisfaction_rate)));
      list.appendChild(item);
    });
    $("ranking-empty").hidden = rows.length > 0;
  }

  function showHot(listId, issues) {
    var list = $(listId);
    var most = issues.reduce(function (m, h) { return Math.max(m, h.count, h.previous); }, 1);
    list.replaceChildren();
    issues.forEach(function (issue) {
      var item = el("li");
      var name = item.appendChild(el("span", "name", issue.name));
      if (issue.district) name.appendChild(el("small", null, issue.district));
      name.title = issue.district + issue.name;
      var bars = el("span", "bars");
      var before = el("i", "before");
      var now = el("i", "now");
      before.style.width = (100 * issue.previous / most) + "%";
      now.style.width = (100 * issue.count / most) + "%";
      bars.appendChild(now);
      bars.appendChild(before);
      bars.title = "前7日 " + issue.previous + " 件 → 近7日 " + issue.count + " 件";
      item.appendChild(bars);
      var number = el("span", "count", issue.count);
      number.appendChild(el("small", null, "件"));
      item.appendChild(number);
      var rise = el("span", "rise", "↑" + issue.rise + " ");
      rise.appendChild(el("small", null, issue.rise_ratio === null ? "新增" : "+" + Math.round(issue.rise_ratio * 100) + "%"));
      item.appendChild(rise);
      list.appendChild(item);
    });
    $(listId + "-empty").hidden = issues.length > 0;
  }

  function shortDay(iso) { return Number(iso.slice(5, 7)) + "月" + Number(iso.slice(8, 10)) + "日"; }

  function show(data) {
    var today = data.today;
    $("title").textContent = data.title;
    document.title = "数字大屏 · " + data.title;
    setFigure("kpi-intake", today.intake_today);
    setFigure("kpi-closed", today.closed_today);
    setFigure("kpi-progress", today.in_progress);
    setFigure("kpi-callback", today.awaiting_callback);
    setFigure("kpi-overdue", today.overdue);
    $("kpi-overdue").parentNode.parentNode.classList.toggle("alarm", today.overdue > 0);
    $("month-label").textContent = data.month_label;
    setGauge("gauge-closure", "rate-closure", today.on_time_closure_rate);
    setGauge("gauge-satisfaction", "rate-satisfaction", today.satisfaction_rate);
    showRanking(data.ranking);
    var last = new Date(Date.parse(data.hot_end + "T00:00:00+08:00") - 86400000).toISOString().slice(0, 10);
    $("hot-window").textContent = shortDay(data.hot_start) + "–" + shortDay(last) + " 较前7日上升";
    showHot("hot-categories", data.hot_categories);
    showHot("hot-places", data.hot_places);
  }

  function updatedText() { return "数据更新 " + timeFormat.format(new Date(lastGood)); }

  function markReady(asOf) {
    lastGood = asOf;
    document.body.dataset.state = "ready";
    document.body.dataset.asOf = asOf;
    $("updated").textContent = updatedText();
  }

  function markStale() {
    if (lastGood === null) {
      $("updated").textContent = "正在连接服务器…";
      return;
    }
    document.body.dataset.state = "stale";
    $("updated").textContent = updatedText() + " · 连接中断，显示最近一次数据";
  }

  function refresh() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    fetch(dataUrl, { cache: "no-store", credentials: "same-origin", signal: controller.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        show(data);
        markReady(data.today.as_of);
      })
      .catch(markStale)
      .finally(function () {
        clearTimeout(timer);
        setTimeout(refresh, refreshSeconds * 1000);
      });
  }

  window.addEventListener("resize", fit);
  fit();
  tick();
  setInterval(tick, 1000);
  if (key) {
    fetch(sessionUrl, {
      method: "POST",
      cache: "no-store",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ key: key }),
    }).finally(refresh);
  } else {
    refresh();
  }
})();
