/* AutomateLanka: loaded right after vendor/transliteration.min.js (lazily, only
 * for expressions that call replaceSpecialChars): keep its function, drop the
 * `window` global the UMD bundle creates. */
(function (g) {
  "use strict";
  if (g.window && typeof g.window.transliterate === "function") {
    g.__al_transliterate = g.window.transliterate;
    delete g.window;
  }
})(globalThis);
