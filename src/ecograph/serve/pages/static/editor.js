// The SPARQL editor: YASGUI (served from this server) pointed at /sparql, one tab per stored query.
(function () {
  "use strict";
  var queries = JSON.parse(document.getElementById("stored-queries").textContent);
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    autoAddOnInit: queries.length === 0,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // only completers that work offline: no LOV look-ups for classes and properties
    yasqe: { autocompleters: ["prefixes", "variables"], prefixCcApi: null }
  });
  var wanted = decodeURIComponent(window.location.hash.replace(/^#/, ""));
  var chosen = queries.some(function (q) { return q.name === wanted; }) ? wanted : (queries[0] || {}).name;
  queries.forEach(function (q) {
    yasgui.addTab(q.name === chosen, {
      name: q.name,
      yasqe: { value: q.query },
      requestConfig: { endpoint: endpoint, method: "POST" }
    });
  });
  window.ecographYasgui = yasgui;
})();
