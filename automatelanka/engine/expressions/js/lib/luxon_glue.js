/* AutomateLanka: expose Luxon as n8n does (globals DateTime, Duration, ...),
 * make zone offsets come from the registered tables, and add __al_setZone. */
(function (g) {
  "use strict";
  var L = g.luxon;
  ["DateTime", "Duration", "Interval", "Info", "Settings", "FixedOffsetZone", "IANAZone", "Zone",
    "SystemZone", "InvalidZone"].forEach(function (k) {
    if (L[k]) g[k] = L[k];
  });

  // Fast path: read IANA offsets straight from the zone tables (same result as
  // going through the Intl.DateTimeFormat polyfill, without building parts).
  var zoneOffset = g.__al_zoneOffset;
  L.IANAZone.prototype.offset = function (ts) {
    if (!this.valid) return NaN;
    var t = +ts;
    if (isNaN(t)) return NaN;
    return zoneOffset(this.name, t);
  };

  var register = g.__al_registerZone;
  g.__al_registerZone = function (name, transitions) {
    register(name, transitions);
    L.IANAZone.resetCache();
  };

  g.__al_setZone = function (name) {
    L.Settings.defaultZone = name ? String(name) : "UTC";
  };

  g.__al_isDateTime = function (v) {
    return L.DateTime.isDateTime(v);
  };

  L.Settings.defaultZone = "UTC";
})(globalThis);
