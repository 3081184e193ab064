// Live progress of an enrichment: server-sent events update the table of sources.
// Without JavaScript the page refreshes itself (see the <noscript> in job.html).
(function () {
  "use strict";
  var box = document.getElementById("stand");
  if (!box || !window.EventSource) { return; }
  var jobId = box.getAttribute("data-job");
  var source = new EventSource("/api/v1/jobs/" + encodeURIComponent(jobId) + "/events");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function badge(status, label) {
    return el("span", label, "status status-" + status);
  }

  function subjectLabel(key) {
    var i = key.indexOf(":"), kind = key.slice(0, i), rest = key.slice(i + 1);
    if (kind === "person") { return "BSN " + rest; }
    if (kind === "address") {
      var j = rest.indexOf("-");
      var pc = rest.slice(0, j), nr = rest.slice(j + 1);
      return pc.slice(0, 4) + " " + pc.slice(4) + " " + nr;
    }
    if (kind === "business") {
      var parts = rest.split("/");
      return "KvK " + parts[0] + (parts[1] ? ", vestiging " + parts[1] : "");
    }
    return key;
  }

  function renderSources(job) {
    var body = document.querySelector("#bronnen tbody");
    body.textContent = "";
    job.connectors.forEach(function (c) {
      var row = el("tr");
      row.setAttribute("data-connector", c.connector);
      var name = el("th", c.connector);
      name.setAttribute("scope", "row");
      row.appendChild(name);
      var status = el("td");
      status.appendChild(badge(c.status, c.label));
      row.appendChild(status);
      row.appendChild(el("td", c.finished + " klaar" + (c.running ? ", " + c.running + " bezig" : "")));
      var errors = el("td");
      c.errors.forEach(function (e, n) {
        if (n) { errors.appendChild(el("br")); }
        errors.appendChild(el("span", e, "foutregel"));
      });
      row.appendChild(errors);
      body.appendChild(row);
    });
    var calls = document.querySelector("#bevragingen tbody");
    calls.textContent = "";
    job.calls.forEach(function (call) {
      var row = el("tr");
      row.appendChild(el("td", call.connector));
      row.appendChild(el("td", subjectLabel(call.subject)));
      row.appendChild(el("td", call.round));
      var st = el("td");
      st.appendChild(badge(call.status, call.label));
      row.appendChild(st);
      row.appendChild(el("td", call.duration_ms ? Math.round(call.duration_ms) + " ms" : ""));
      calls.appendChild(row);
    });
    var summary = document.querySelector(".bevragingen summary");
    if (summary) { summary.textContent = "Alle bevragingen (" + job.calls.length + ")"; }
  }

  function renderState(job) {
    if (job.state === "running") { return; }
    box.textContent = "";
    box.setAttribute("data-state", job.state);
    if (job.state === "done") {
      box.className = "melding " + (job.complete ? "goed" : "waarschuwing");
      var p = el("p");
      if (job.complete) {
        p.textContent = "Klaar: alle bronnen gaven antwoord.";
      } else {
        p.appendChild(document.createTextNode("Klaar, maar "));
        p.appendChild(el("strong", "niet alle bronnen gaven antwoord"));
        p.appendChild(document.createTextNode(". Waar een bron mislukt is, is niet vastgesteld dat er niets is."));
      }
      box.appendChild(p);
      var link = el("a", "Dossier openen", "knop");
      link.href = job.dossier_url;
      link.id = "naar-dossier";
      var q = el("p");
      q.appendChild(link);
      box.appendChild(q);
    } else {
      box.className = "melding fout";
      box.appendChild(el("p", "De verrijking is mislukt: " + (job.error || "")));
    }
  }

  source.addEventListener("progress", function (event) {
    var job = JSON.parse(event.data);
    renderSources(job);
    renderState(job);
  });
  source.addEventListener("end", function () { source.close(); });
  source.onerror = function () {
    // The stream broke (server restart, network): fall back to reloading the page.
    source.close();
    window.setTimeout(function () { window.location.reload(); }, 3000);
  };
})();
