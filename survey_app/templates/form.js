(function () {
  // Kept in this phone until sent, so answers survive a lost connection, a Back or a closed page (with
  // their key: a form sent once already gets its thank-you, never a second answer). Without JavaScript
  // the form works the same, minus this.
  var form = document.querySelector("form"), send = document.getElementById("send"), store;
  // a form sent back is a POST's reply: as a GET entry, Back or a reload shows it again, not ERR_CACHE_MISS
  try { history.replaceState(null, "", location.href); } catch (e) {}
  // a hall's tablet (data-tablet) keeps nothing: one person's unsent answers are never the next one's
  if (send.hasAttribute("data-tablet")) return;
  try { store = window.localStorage; store.setItem("manyi", "1"); store.removeItem("manyi"); } catch (e) { return; }
  var name = "manyi:" + location.pathname, life = 7200000;
  function fields() { return form.querySelectorAll("input[type=radio],input[type=checkbox],textarea"); }
  function save() {
    var kept = [], all = fields();
    for (var i = 0; i < all.length; i++) {
      var e = all[i];
      if (e.tagName === "TEXTAREA" ? e.value : e.checked) kept.push([e.name, e.value]);
    }
    try { store.setItem(name, JSON.stringify({t: Date.now(), k: form.elements.key.value, a: kept})); } catch (e) {}
  }
  function restore() {
    var all = fields(), kept, i, j;
    for (i = 0; i < all.length; i++) if (all[i].tagName === "TEXTAREA" ? all[i].value : all[i].checked) return;
    try { kept = JSON.parse(store.getItem(name)); } catch (e) { return; }
    if (!kept || !kept.a || !kept.a.length || !(Date.now() - kept.t < life)) { store.removeItem(name); return; }
    for (i = 0; i < all.length; i++) for (j = 0; j < kept.a.length; j++) {
      var e = all[i], a = kept.a[j];
      if (a[0] !== e.name) continue;
      if (e.tagName === "TEXTAREA") e.value = a[1]; else if (a[1] === e.value) e.checked = true;
    }
    if (kept.k) form.elements.key.value = kept.k;
    var note = document.createElement("p"), fresh = document.createElement("button");
    note.className = "notice";
    note.setAttribute("role", "status");
    note.textContent = send.getAttribute("data-restored");
    fresh.type = "button";  // someone else's unsent answers on a shared phone: start afresh
    fresh.id = "fresh";
    fresh.textContent = send.getAttribute("data-fresh");
    fresh.addEventListener("click", function () {
      store.removeItem(name);
      location.reload();
    });
    note.appendChild(fresh);
    form.insertBefore(note, form.firstChild);
  }
  restore();
  form.addEventListener("change", save);
  form.addEventListener("input", save);
  form.addEventListener("submit", function (ev) {
    save();
    if (navigator.onLine === false) {
      ev.preventDefault();
      var off = document.getElementById("offline");
      off.hidden = false;
      off.scrollIntoView();
    }
  });
})();
