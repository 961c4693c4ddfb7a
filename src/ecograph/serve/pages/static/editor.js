// The SPARQL editor: YASGUI (served from this server) pointed at /sparql, one tab per stored query.
// Everything it needs comes from the page (#editor-config): nothing is fetched from another host.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var endpoint = window.location.origin + "/sparql";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMBERS = ["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte"].map(function (name) { return XSD + name; });
  var DATES = ["date", "dateTime", "dateTimeStamp", "gYear", "gYearMonth", "time", "boolean"].map(
    function (name) { return XSD + name; });

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function curie(iri, prefixes) {
    var best = null;
    Object.keys(prefixes || {}).forEach(function (prefix) {
      var ns = prefixes[prefix];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > prefixes[best].length)) best = prefix;
    });
    return best === null ? "<" + iri + ">" : best + ":" + iri.slice(prefixes[best].length);
  }

  // The data's IRIs (under the base) open this server's page; others open where they point.
  function localHref(iri) {
    return iri.indexOf(config.base) === 0 ? "/" + iri.slice(config.base.length) : iri;
  }

  function allPrefixes(prefixes) {
    return Object.assign({}, config.prefixes, prefixes || {});
  }

  function numberText(value) {
    var number = Number(value);
    if (!isFinite(number) || Math.abs(number) > Number.MAX_SAFE_INTEGER) return value;
    return number.toLocaleString("en", { maximumFractionDigits: 6 });
  }

  // A literal as its value: numbers as numbers, dates as dates, text with its language; other datatypes named.
  function literalHtml(binding, prefixes) {
    var value = binding.value;
    var datatype = binding.datatype;
    if (datatype && NUMBERS.indexOf(datatype) >= 0) {
      return '<span class="value-number" title="' + escapeHtml(value + " (" + curie(datatype, prefixes) + ")") +
        '">' + escapeHtml(numberText(value)) + "</span>";
    }
    if (datatype && DATES.indexOf(datatype) >= 0) {
      return '<span class="value-date" title="' + escapeHtml(curie(datatype, prefixes)) + '">' +
        escapeHtml(value) + "</span>";
    }
    var html = escapeHtml(value);
    if (binding["xml:lang"]) html += ' <sup class="value-lang">' + escapeHtml(binding["xml:lang"]) + "</sup>";
    else if (datatype && datatype !== XSD + "string") {
      html += ' <sup class="value-type">' + escapeHtml(curie(datatype, prefixes)) + "</sup>";
    }
    return html;
  }

  function iriHtml(iri, prefixes) {
    return '<a class="iri" target="_blank" rel="noopener" href="' + escapeHtml(localHref(iri)) + '" title="' +
      escapeHtml(iri) + '">' + escapeHtml(curie(iri, allPrefixes(prefixes))) + "</a>";
  }

  // The table plugin shows values as values and links the data's IRIs to this server.
  var Table = Yasr.plugins.table;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) { return iriHtml(binding.value, prefixes); };
  Table.prototype.formatLiteral = function (binding, prefixes) { return literalHtml(binding, allPrefixes(prefixes)); };

  // ------------------------------------------------------------------------------------------- chart --

  function isNumber(binding) {
    return binding && binding.type !== "uri" && NUMBERS.indexOf(binding.datatype) >= 0;
  }

  function bindingLabel(binding, prefixes) {
    if (!binding) return "";
    return binding.type === "uri" ? curie(binding.value, allPrefixes(prefixes)) : binding.value;
  }

  // The bars of a result: its first numeric column against its first other column, or null when it has none.
  function chartData(results, prefixes) {
    if (!results || !results.getVariables) return null;
    var vars = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (!rows.length) return null;
    var numeric = vars.filter(function (v) {
      return rows.every(function (row) { return !row[v] || isNumber(row[v]); }) && rows.some(function (row) {
        return isNumber(row[v]);
      });
    })[0];
    if (!numeric) return null;
    var labelVar = vars.filter(function (v) { return v !== numeric; })[0];
    return {
      value: numeric,
      label: labelVar || "",
      bars: rows.slice(0, 60).map(function (row, index) {
        return {
          label: labelVar ? bindingLabel(row[labelVar], prefixes) : String(index + 1),
          value: row[numeric] ? Number(row[numeric].value) : 0,
        };
      }),
      more: Math.max(0, rows.length - 60),
    };
  }

  var SVG = "http://www.w3.org/2000/svg";

  function svgElement(name, attributes, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // Horizontal bars, drawn at the panel's width so that the text keeps its size on a phone.
  function barChart(data, available) {
    var width = Math.max(320, Math.min(960, available || 800));
    var left = Math.round(width * 0.35);
    var row = 24;
    var height = data.bars.length * row + 36;
    var max = Math.max.apply(null, data.bars.map(function (b) { return Math.max(0, b.value); }).concat([0])) || 1;
    var svg = svgElement("svg", { viewBox: "0 0 " + width + " " + height, class: "ecograph-chart", role: "img",
      "aria-label": data.value + (data.label ? " by " + data.label : "") });
    svg.appendChild(svgElement("text", { x: left, y: 16, class: "axis" }, data.value + (data.label ? " by " + data.label : "")));
    data.bars.forEach(function (bar, index) {
      var y = 28 + index * row;
      var length = Math.max(0, bar.value) / max * (width - left - 90);
      var room = Math.floor((left - 12) / 6.5);
      var shown = bar.label.length > room ? bar.label.slice(0, room - 1) + "…" : bar.label;
      var group = svgElement("g", { class: "bar" });
      group.appendChild(svgElement("title", {}, bar.label + ": " + numberText(String(bar.value))));
      group.appendChild(svgElement("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, shown));
      group.appendChild(svgElement("rect", { x: left, y: y + 3, width: length.toFixed(1), height: row - 6 }));
      group.appendChild(svgElement("text", { x: (left + length + 6).toFixed(1), y: y + 15, class: "value" },
        numberText(String(bar.value))));
      svg.appendChild(group);
    });
    return svg;
  }

  function Chart(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
  }
  Chart.prototype.canHandleResults = function () {
    return chartData(this.yasr.results, this.yasr.getPrefixes()) !== null;
  };
  Chart.prototype.getIcon = function () {
    var icon = svgElement("svg", { viewBox: "0 0 16 16", width: "15", height: "15", "aria-hidden": "true" });
    icon.appendChild(svgElement("path", { d: "M1 15h14M3 13V8h2v5M7 13V3h2v10M11 13V6h2v7", stroke: "currentColor",
      fill: "none" }));
    return icon;
  };
  Chart.prototype.draw = function () {
    var data = chartData(this.yasr.results, this.yasr.getPrefixes());
    var wrapper = document.createElement("div");
    wrapper.className = "ecograph-chart-panel";
    this.svg = barChart(data, this.yasr.resultsEl.clientWidth);
    wrapper.appendChild(this.svg);
    if (data.more) {
      var note = document.createElement("p");
      note.textContent = "The first 60 rows are drawn; " + data.more + " more are in the table.";
      wrapper.appendChild(note);
    }
    this.yasr.resultsEl.appendChild(wrapper);
  };
  Chart.prototype.download = function (filename) {
    var svg = this.svg;
    return {
      contentType: "image/svg+xml",
      getData: function () { return svg ? new XMLSerializer().serializeToString(svg) : ""; },
      filename: (filename || "chart") + ".svg",
      title: "Download the chart (SVG)",
    };
  };
  Yasr.registerPlugin("chart", Chart);

  // -------------------------------------------------------------------------------------- completion --

  function iris(terms) { return terms.map(function (term) { return term.iri; }); }

  var labels = {};
  config.classes.concat(config.properties).forEach(function (term) { labels[term.iri] = term.label; });

  function withLabels(yasqe, hints) {
    var prefixes = allPrefixes(yasqe.getPrefixesFromQuery());
    return hints.map(function (hint) {
      var iri = hint.text.charAt(0) === "<" ? hint.text.slice(1, -1) : null;
      Object.keys(prefixes).forEach(function (prefix) {
        if (hint.text.indexOf(prefix + ":") === 0) iri = prefixes[prefix] + hint.text.slice(prefix.length + 1);
      });
      var label = iri && labels[iri];
      return label ? Object.assign({}, hint, { displayText: hint.text + "  — " + label }) : hint;
    });
  }

  var prefixLines = Object.keys(config.prefixes).sort().map(function (prefix) {
    return prefix + ": <" + config.prefixes[prefix] + ">";
  });
  var local = { bulk: true, autoShow: true, persistenceId: null, postprocessHints: withLabels };
  Yasqe.forkAutocompleter("prefixes", { name: "ecograph-prefixes", get: prefixLines, persistenceId: null }, false);
  Yasqe.forkAutocompleter("class", Object.assign({ name: "ecograph-classes", get: iris(config.classes) }, local), false);
  Yasqe.forkAutocompleter("property", Object.assign({ name: "ecograph-properties", get: iris(config.properties) },
    local), false);

  // only completers that work offline, from this server's ontology and prefixes (no LOV, no prefix.cc)
  var completers = ["ecograph-prefixes", "ecograph-classes", "ecograph-properties", "variables"];
  Yasqe.defaults.autocompleters.splice(0, Yasqe.defaults.autocompleters.length);
  Array.prototype.push.apply(Yasqe.defaults.autocompleters, completers);

  // ------------------------------------------------------------------------------------------- tabs --

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    autoAddOnInit: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: completers },
    yasr: { prefixes: config.prefixes },
  });

  // The tab to open: ?query=… (a permalink), #query=…&tabTitle=… (YASGUI's share link), #NAME (a stored query).
  function requested() {
    var search = new URLSearchParams(window.location.search);
    var hash = window.location.hash.replace(/^#/, "");
    var shared = new URLSearchParams(hash);
    if (search.get("query")) return { query: search.get("query"), name: search.get("tabTitle") || "Query" };
    if (hash.indexOf("query=") >= 0 && shared.get("query")) {
      return { query: shared.get("query"), name: shared.get("tabTitle") || "Query" };
    }
    return { stored: decodeURIComponent(hash) };
  }

  var wanted = requested();
  var queries = config.queries;
  var chosen = queries.some(function (q) { return q.name === wanted.stored; }) ? wanted.stored : null;
  if (!wanted.query && !chosen && queries.length) chosen = queries[0].name;
  queries.forEach(function (q) {
    yasgui.addTab(q.name === chosen, { name: q.name, yasqe: { value: q.query } });
  });
  if (wanted.query || !queries.length) {
    yasgui.addTab(true, { name: wanted.name || "Query", yasqe: wanted.query ? { value: wanted.query } : {} });
    // the address now names the page; the share button makes a link to what the tab holds
    if (window.location.search) window.history.replaceState(null, "", window.location.pathname);
  }

  // on a phone the tabs scroll sideways: show the open one
  var active = document.querySelector("#yasgui .tabsList .tab.active");
  if (active) active.parentNode.scrollLeft = active.offsetLeft - 16;

  // ------------------------------------------------------------------------------------- downloads --

  function refreshDownloads() {
    var tab = yasgui.getTab();
    if (!tab) return;
    var query = encodeURIComponent(tab.getQuery());
    document.getElementById("download-csv").href = "/sparql?format=csv&query=" + query;
    document.getElementById("download-json").href = "/sparql?format=json&query=" + query;
  }
  ["tabSelect", "tabChange", "query", "queryResponse"].forEach(function (event) {
    yasgui.on(event, function () { window.setTimeout(refreshDownloads, 0); });
  });
  ["download-csv", "download-json"].forEach(function (id) {
    ["mouseenter", "focus"].forEach(function (event) {
      document.getElementById(id).addEventListener(event, refreshDownloads);
    });
  });
  refreshDownloads();

  window.ecographYasgui = yasgui;
})();
