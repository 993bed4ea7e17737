'use strict'
// Points an unmodified noblox.js at inventoryd.
//
// noblox.js hard-codes its hosts (//inventory.roblox.com, //users.roblox.com,
// //auth.roblox.com, ...) and sends every request through one helper,
// lib/util/http.js, whose `func` every other module takes at require time
// (`const http = require('../util/http.js').func`). This hook waits for that
// module to be loaded and, before any other noblox module can read it,
// replaces `func` with a wrapper that rewrites the URL of any *.roblox.com
// request to inventoryd and sets the Host header to the original host. No
// file on disk is changed; nothing else about the request (method, cookie,
// x-csrf-token, query, body, redirects, the CSRF retry) is touched.
//
// Use it either as a preload:
//
//   INVENTORYD_URL=http://127.0.0.1:8080 node --require ./noblox-preload.js app.js
//
// or by requiring it before noblox.js:
//
//   require('./noblox-preload.js')            // reads INVENTORYD_URL
//   require('./noblox-preload.js').setBaseUrl('http://127.0.0.1:8080')
//   const noblox = require('noblox.js')
//
// The base URL is read when each request is made, so it may be set after
// noblox.js is loaded.

const Module = require('module')
const path = require('path')

const HELPER_SUFFIX = path.join('noblox.js', 'lib', 'util', 'http.js')
const ROBLOX_HOST = /(^|\.)roblox\.com$/i

let baseUrl = null
const requests = [] // what noblox asked for, for tests and debugging
const patched = new WeakSet()

function setBaseUrl (url) {
  baseUrl = url ? String(url).replace(/\/+$/, '') : null
}

function currentBase () {
  const b = baseUrl || process.env.INVENTORYD_URL
  if (!b) {
    throw new Error('noblox-preload: no inventoryd URL: set INVENTORYD_URL or call setBaseUrl()')
  }
  return b.replace(/\/+$/, '')
}

// rewrite maps a noblox URL ("//host/path", "https://host/path") on a
// *.roblox.com host to the same path and query on inventoryd. It returns
// null for URLs that are not Roblox's (already rewritten, or third-party).
function rewrite (url) {
  if (typeof url !== 'string') return null
  const abs = url.startsWith('//') ? 'https:' + url : url
  let u
  try {
    u = new URL(abs)
  } catch {
    return null
  }
  if (!ROBLOX_HOST.test(u.hostname)) return null
  const base = new URL(currentBase())
  const prefix = base.pathname.replace(/\/+$/, '')
  return { url: base.origin + prefix + u.pathname + u.search, host: u.host }
}

function patch (helper) {
  if (!helper || typeof helper.func !== 'function' || patched.has(helper)) return
  const original = helper.func
  helper.func = function inventorydRedirect (args) {
    const r = args && rewrite(args.url)
    if (r) {
      args.options = args.options || {}
      const headers = Object.assign({}, args.options.headers)
      for (const k of Object.keys(headers)) {
        if (k.toLowerCase() === 'host') delete headers[k]
      }
      headers.host = r.host
      args.options.headers = headers
      requests.push({ method: (args.options.method || 'GET').toUpperCase(), host: r.host, url: args.url })
      args.url = r.url
    }
    return original.apply(this, arguments)
  }
  patched.add(helper)
}

const originalLoad = Module._load
Module._load = function (request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments)
  if (typeof request === 'string' && request.endsWith('http.js') && !patched.has(exported)) {
    let filename = null
    try {
      filename = Module._resolveFilename(request, parent, isMain)
    } catch {}
    if (filename && filename.endsWith(HELPER_SUFFIX)) patch(exported)
  }
  return exported
}

// noblox.js may already be loaded (the hook was required too late): patch
// what is in the cache. Modules that already copied `func` are not reached.
for (const filename of Object.keys(require.cache)) {
  if (filename.endsWith(HELPER_SUFFIX) && !patched.has(require.cache[filename].exports)) {
    patch(require.cache[filename].exports)
    process.emitWarning('noblox-preload was loaded after noblox.js: modules that already hold the HTTP helper still call roblox.com. Load it first (node --require).')
  }
}

module.exports = { setBaseUrl, rewrite, requests }
