/* AutomateLanka: load the large library files on first use, so that a fresh
 * context (one per Code node run) is cheap to create.
 *
 *   __al_defer(spec)  spec: [[group, [sourceGlobal, ...], [global, ...]], ...]
 * Each group's globals start as accessors; the first read (or call) of any of
 * them evaluates the group's sources, in order, at global scope, with an eval
 * captured here (before any user code runs). Python hands the sources over in
 * the globals named by sourceGlobal, which are removed at once.
 * Until Luxon (with the Intl polyfill) is loaded no DateTime can exist, so
 * __al_isDateTime is false, and __al_setZone / __al_registerZone only remember
 * the zone and the tables. */
(function (g) {
  "use strict";
  var indirectEval = (0, eval);
  var defineProperty = Object.defineProperty;
  var getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  var pendingZone = null;
  var luxonLoaded = false;

  g.__al_defer = function (spec) {
    spec.forEach(function (entry) {
      var group = entry[0];
      var sources = entry[1].map(function (name) {
        var text = g[name];
        delete g[name];
        return text;
      });
      var names = entry[2];
      var loaded = false;
      var getters = {};
      function load() {
        if (loaded) return;
        loaded = true;
        names.forEach(function (name) {
          var d = getOwnPropertyDescriptor(g, name);
          if (d && d.get === getters[name]) delete g[name];
        });
        sources.forEach(function (text) { indirectEval(text); });
        sources = null;
        if (group === "luxon") {
          luxonLoaded = true;
          pendingTables.forEach(function (z) { g.__al_registerZone(z[0], z[1]); });
          pendingTables = null;
          if (pendingZone !== null) g.__al_setZone(pendingZone);
        }
      }
      names.forEach(function (name) {
        getters[name] = function () { load(); return g[name]; };
        defineProperty(g, name, {
          configurable: true,
          enumerable: false,
          get: getters[name],
          set: function (v) { defineProperty(g, name, { value: v, writable: true, configurable: true, enumerable: true }); }
        });
      });
    });
  };

  // Zone tables wait for the Intl polyfill (loaded with Luxon).
  var pendingTables = [];
  g.__al_registerZone = function (name, transitions) { pendingTables.push([name, transitions]); };
  g.__al_takeMissingZones = function () { return null; };
  g.__al_setZone = function (name) {
    pendingZone = name ? String(name) : "UTC";
  };
  g.__al_isDateTime = function (v) {
    return luxonLoaded ? g.luxon.DateTime.isDateTime(v) : false;
  };
  g.__al_luxonLoaded = function () { return luxonLoaded; };
})(globalThis);
