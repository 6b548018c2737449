'use strict';
// Bundles replace the `debug` package (used only by ioredis for DEBUG=ioredis:* tracing) with this
// no-op: it saves about 7 KB and its tty/supports-color probing at every cold start. Run the local
// server (`npm start`), which does not bundle, to trace ioredis with DEBUG=ioredis:*.
function createDebug(namespace) {
  const debug = function () {};
  debug.namespace = namespace;
  debug.enabled = false;
  debug.log = function () {};
  debug.destroy = function () { return true; };
  debug.extend = function (sub) { return createDebug(namespace + ':' + sub); };
  return debug;
}
createDebug.default = createDebug;
createDebug.enable = function () {};
createDebug.disable = function () { return ''; };
createDebug.enabled = function () { return false; };
module.exports = createDebug;
