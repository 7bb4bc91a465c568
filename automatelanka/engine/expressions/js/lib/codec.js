/* AutomateLanka: byte codecs for the extension library: UTF-8, Base64 (the
 * lenient decoding n8n gets from js-base64 on Node's Buffer) and MD5 (RFC 1321). */
(function (g) {
  "use strict";

  function utf8Encode(str) {
    var out = [];
    for (var i = 0; i < str.length; i++) {
      var c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
        var d = str.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  function utf8Decode(bytes) {
    var out = "", i = 0, n = bytes.length;
    while (i < n) {
      var b = bytes[i], need = 0, cp = 0, min = 0;
      if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 31; min = 0x80; }
      else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 15; min = 0x800; }
      else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 7; min = 0x10000; }
      else { out += "\ufffd"; i++; continue; }
      var j = 1;
      for (; j <= need; j++) {
        var c = bytes[i + j];
        if (c === undefined || (c & 0xc0) !== 0x80) break;
        cp = (cp << 6) | (c & 63);
      }
      if (j <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        out += "\ufffd";
        i += j <= need ? j : 1;
        continue;
      }
      i += need + 1;
      out += String.fromCodePoint(cp);
    }
    return out;
  }

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var B64_INDEX = {};
  for (var k = 0; k < B64.length; k++) B64_INDEX[B64[k]] = k;

  function base64FromBytes(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i += 3) {
      var a = bytes[i], b = bytes[i + 1], c = bytes[i + 2];
      var n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] +
        (b === undefined ? "=" : B64[(n >> 6) & 63]) + (c === undefined ? "=" : B64[n & 63]);
    }
    return out;
  }

  function bytesFromBase64(str) {
    var clean = String(str).replace(/[-_]/g, function (m) { return m === "-" ? "+" : "/"; })
      .replace(/[^A-Za-z0-9+/]/g, "");
    var bytes = [], buf = 0, bits = 0;
    for (var i = 0; i < clean.length; i++) {
      buf = (buf << 6) | B64_INDEX[clean[i]];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((buf >> bits) & 255);
      }
    }
    return bytes;
  }

  // ---------------------------------------------------------------- MD5
  var S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
  var K = [];
  for (var t = 0; t < 64; t++) K[t] = Math.floor(Math.abs(Math.sin(t + 1)) * 4294967296) | 0;

  function md5Bytes(bytes) {
    var msg = bytes.slice(), bitLen = bytes.length * 8;
    msg.push(0x80);
    while (msg.length % 64 !== 56) msg.push(0);
    for (var i = 0; i < 8; i++) msg.push(i < 4 ? (bitLen >>> (8 * i)) & 255 : Math.floor(bitLen / 4294967296) >>> (8 * (i - 4)) & 255);
    var a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
    var M = new Array(16);
    for (var off = 0; off < msg.length; off += 64) {
      for (var w = 0; w < 16; w++) {
        var p = off + w * 4;
        M[w] = msg[p] | (msg[p + 1] << 8) | (msg[p + 2] << 16) | (msg[p + 3] << 24);
      }
      var A = a0, B = b0, C = c0, D = d0;
      for (var j = 0; j < 64; j++) {
        var F, gi;
        if (j < 16) { F = (B & C) | (~B & D); gi = j; }
        else if (j < 32) { F = (D & B) | (~D & C); gi = (5 * j + 1) % 16; }
        else if (j < 48) { F = B ^ C ^ D; gi = (3 * j + 5) % 16; }
        else { F = C ^ (B | ~D); gi = (7 * j) % 16; }
        F = (F + A + K[j] + M[gi]) | 0;
        A = D; D = C; C = B;
        B = (B + ((F << S[j]) | (F >>> (32 - S[j])))) | 0;
      }
      a0 = (a0 + A) | 0; b0 = (b0 + B) | 0; c0 = (c0 + C) | 0; d0 = (d0 + D) | 0;
    }
    var hex = "";
    [a0, b0, c0, d0].forEach(function (v) {
      for (var q = 0; q < 4; q++) hex += ((v >>> (8 * q)) & 255).toString(16).padStart(2, "0");
    });
    return hex;
  }

  g.__al_codec = {
    utf8Encode: utf8Encode,
    utf8Decode: utf8Decode,
    base64Encode: function (s) { return base64FromBytes(utf8Encode(String(s))); },
    base64Decode: function (s) { return utf8Decode(bytesFromBase64(s)); },
    md5: function (s) { return md5Bytes(utf8Encode(String(s))); }
  };
})(globalThis);
