(function () {
  var started = performance.now();
  var table = document.getElementById("docs"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q"), st = document.getElementById("st"), shown = document.getElementById("shown");
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var state = {sort: -1, desc: false};
  function key(row, i) { var c = row.cells[i]; return c.getAttribute("data-v") || c.textContent; }
  function filter() {
    var s = q.value.trim().toLowerCase(), f = st.value, n = 0;
    rows.forEach(function (r) {
      var ok = (!s || r.textContent.toLowerCase().indexOf(s) >= 0) && (!f || r.getAttribute("data-status") === f);
      r.hidden = !ok; if (ok) { n++; }
    });
    shown.textContent = n;
  }
  function sort(i, desc) {
    var num = heads[i].hasAttribute("data-num");
    rows.sort(function (a, b) {
      var x = key(a, i), y = key(b, i), c = num ? (+x) - (+y) : x.localeCompare(y, "zh");
      return desc ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    heads.forEach(function (h, j) { h.setAttribute("aria-sort", j === i ? (desc ? "descending" : "ascending") : "none"); });
    state.sort = i; state.desc = desc;
  }
  function save() {
    var parts = [];
    if (state.sort >= 0) { parts.push("sort=" + heads[state.sort].getAttribute("data-key") + (state.desc ? "-desc" : "")); }
    if (q.value) { parts.push("q=" + encodeURIComponent(q.value)); }
    if (st.value) { parts.push("status=" + st.value); }
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }
  heads.forEach(function (h, i) {
    var b = h.querySelector("button");
    if (b) { b.addEventListener("click", function () { sort(i, state.sort === i ? !state.desc : h.hasAttribute("data-num")); save(); }); }
  });
  q.addEventListener("input", function () { filter(); save(); });
  st.addEventListener("change", function () { filter(); save(); });
  location.hash.replace(/^#/, "").split("&").forEach(function (p) {
    var kv = p.split("="), v = decodeURIComponent(kv[1] || "");
    if (kv[0] === "q") { q.value = v; }
    if (kv[0] === "status") { st.value = v; }
    if (kv[0] === "sort") {
      var desc = /-desc$/.test(v), k = v.replace(/-desc$/, "");
      heads.forEach(function (h, i) { if (h.getAttribute("data-key") === k) { sort(i, desc); } });
    }
  });
  filter();
  document.body.setAttribute("data-ready", "1");
  document.body.setAttribute("data-ms", (performance.now() - started).toFixed(1));
})();
