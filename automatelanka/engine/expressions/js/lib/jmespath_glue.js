/* AutomateLanka: $jmespath's search, from the vendored jmespath 0.16.0. The
 * argument checks n8n makes are done by the caller (the expression runtime). */
(function (g) {
  "use strict";
  var lib = g.jmespath;
  g.__al_jmespath = function (data, query) {
    return lib.search(data, query);
  };
})(globalThis);
