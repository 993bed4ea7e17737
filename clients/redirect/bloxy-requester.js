'use strict'
// A requester for bloxy that sends its requests to inventoryd.
//
// bloxy builds every request with a hard-coded https://<api>.roblox.com/ base
// URL and hands the finished request (url with query, method, headers with
// Cookie and X-CSRF-TOKEN, body) to `client.rest.requester`, which its
// public `rest.requester` client option replaces (by default bloxy would
// require "got", which its postinstall script installs; with
// --ignore-scripts it is absent, and bloxy throws unless a requester is
// given). This requester keeps the path and query, sends the request to
// inventoryd, and sets the Host header to the original *.roblox.com host.
//
//   const { Client } = require('bloxy')
//   const { inventorydRequester } = require('./bloxy-requester.js')
//   const client = new Client({ rest: { requester: inventorydRequester('http://127.0.0.1:8080') } })
//
// It answers with the shape bloxy expects of got: { statusCode, status,
// headers, body } with the body as a string. Non-roblox.com URLs are refused
// (the client is meant to talk to inventoryd only).

const http = require('http')
const https = require('https')
const querystring = require('querystring')

const ROBLOX_HOST = /(^|\.)roblox\.com$/i

function inventorydRequester (baseUrl, opts = {}) {
  const log = opts.log || null // optional array: each request is pushed to it
  const timeout = opts.timeout || 30000

  return function requester (options) {
    return new Promise((resolve, reject) => {
      const base = new URL(String(baseUrl || process.env.INVENTORYD_URL || ''))
      const original = new URL(options.url)
      if (!ROBLOX_HOST.test(original.hostname)) {
        reject(new Error(`bloxy-requester: refusing non-roblox.com URL ${options.url}`))
        return
      }
      const prefix = base.pathname.replace(/\/+$/, '')
      const headers = {}
      for (const [k, v] of Object.entries(options.headers || {})) {
        if (v === undefined || v === null) continue
        if (k.toLowerCase() === 'host') continue
        headers[k] = v
      }
      headers.host = original.host
      if (options.userAgent && !Object.keys(headers).some(k => k.toLowerCase() === 'user-agent')) {
        headers['user-agent'] = options.userAgent
      }

      let body = options.body
      if (body === undefined && options.form) {
        body = querystring.stringify(options.form)
        headers['content-type'] = 'application/x-www-form-urlencoded'
      }
      if (options.formData) {
        reject(new Error('bloxy-requester: formData bodies are not supported'))
        return
      }
      if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
        body = JSON.stringify(body)
      }
      if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)

      const method = (options.method || 'GET').toUpperCase()
      const entry = { method, host: original.host, path: original.pathname + original.search }
      if (log) log.push(entry)

      const transport = base.protocol === 'https:' ? https : http
      const req = transport.request({
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method,
        path: prefix + original.pathname + original.search,
        headers,
        timeout
      }, res => {
        const chunks = []
        res.on('data', c => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          entry.statusCode = res.statusCode
          resolve({
            url: options.url,
            statusCode: res.statusCode,
            status: res.statusMessage || String(res.statusCode),
            statusMessage: res.statusMessage,
            headers: res.headers,
            body: text
          })
        })
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`bloxy-requester: ${method} ${options.url} timed out`)))
      req.on('error', reject)
      if (body !== undefined) req.write(body)
      req.end()
    })
  }
}

module.exports = { inventorydRequester }
