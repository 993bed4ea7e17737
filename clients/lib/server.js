'use strict'
// Starts the real inventoryd binary for a client suite.
//
// The binary comes from $INVENTORYD_BIN, or is built once from the
// repository with `go build ./cmd/inventoryd`. Each suite gets its own
// server on a fresh temp directory, loaded from clients/fixture.json, so a
// suite that deletes items does not disturb another.
//
// Between the library and inventoryd sits a small recording pass-through
// proxy (same process as the test): it forwards every request unchanged,
// Host header included, and keeps a transcript of what the library sent and
// what inventoryd answered. Tests only use the transcript to explain a
// failure and to check which URL a library built; the answers the libraries
// see are inventoryd's, byte for byte.

const { spawn, execFileSync } = require('child_process')
const fs = require('fs')
const http = require('http')
const os = require('os')
const path = require('path')

const REPO = path.resolve(__dirname, '..', '..')
const FIXTURE = path.resolve(__dirname, '..', 'fixture.json')

function binaryPath () {
  if (process.env.INVENTORYD_BIN) {
    const bin = path.resolve(process.env.INVENTORYD_BIN)
    if (!fs.existsSync(bin)) throw new Error(`INVENTORYD_BIN=${bin} does not exist`)
    return bin
  }
  // Build into clients/.cache; the rename makes a concurrent build by the
  // other suite harmless (the Go build cache makes the second one cheap).
  const dir = path.resolve(__dirname, '..', '.cache')
  fs.mkdirSync(dir, { recursive: true })
  const bin = path.join(dir, 'inventoryd')
  const tmp = path.join(dir, `inventoryd.${process.pid}`)
  execFileSync('go', ['build', '-o', tmp, './cmd/inventoryd'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] })
  fs.renameSync(tmp, bin)
  return bin
}

function waitForListenLine (child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`inventoryd did not print its address within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`))
    }, timeoutMs)
    function onOut (chunk) {
      out += chunk
      const m = out.match(/inventoryd listening on (http:\/\/[^\s]+)/)
      if (m) {
        cleanup()
        resolve(m[1].replace(/\/+$/, ''))
      }
    }
    function onErr (chunk) { err += chunk }
    function onExit (code, signal) {
      cleanup()
      reject(new Error(`inventoryd exited before it was ready (code ${code}, signal ${signal})\nstdout: ${out}\nstderr: ${err}`))
    }
    function cleanup () {
      clearTimeout(timer)
      child.stdout.off('data', onOut)
      child.stderr.off('data', onErr)
      child.off('exit', onExit)
    }
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', onOut)
    child.stderr.on('data', onErr)
    child.on('exit', onExit)
  })
}

async function waitHealthy (url, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last = null
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url + '/healthz')
      if (res.status === 200) return
      last = `status ${res.status}`
    } catch (e) {
      last = e.message
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`inventoryd /healthz not 200 within ${timeoutMs} ms: ${last}`)
}

const SHOWN_REQ_HEADERS = ['host', 'cookie', 'x-csrf-token', 'content-type']
const SHOWN_RES_HEADERS = ['content-type', 'x-csrf-token']

function startRecorder (target) {
  const transcript = []
  const t = new URL(target)
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const entry = {
        method: req.method,
        host: req.headers.host,
        path: req.url,
        requestHeaders: pick(req.headers, SHOWN_REQ_HEADERS),
        requestBody: body.length ? body.toString('utf8') : undefined
      }
      transcript.push(entry)
      const headers = Object.assign({}, req.headers)
      const up = http.request({ hostname: t.hostname, port: t.port, method: req.method, path: req.url, headers }, upRes => {
        const rchunks = []
        upRes.on('data', c => rchunks.push(c))
        upRes.on('end', () => {
          const rbody = Buffer.concat(rchunks)
          entry.status = upRes.statusCode
          entry.responseHeaders = pick(upRes.headers, SHOWN_RES_HEADERS)
          entry.responseBody = rbody.toString('utf8')
          res.writeHead(upRes.statusCode, upRes.rawHeaders)
          res.end(rbody)
        })
      })
      up.on('error', e => {
        entry.status = 502
        entry.responseBody = `recorder: upstream error: ${e.message}`
        res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(entry.responseBody)
      })
      up.end(body)
    })
  })
  // Keep idle connections open longer than any pause in a suite, so a
  // client's keep-alive socket is never closed under it by the recorder.
  server.keepAliveTimeout = 120000
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({ url: `http://127.0.0.1:${port}`, transcript, close: () => new Promise(r => server.close(r)) })
    })
  })
}

function pick (headers, names) {
  const out = {}
  for (const n of names) {
    if (headers[n] !== undefined) {
      let v = headers[n]
      if (n === 'cookie') v = String(v).replace(/(\.ROBLOSECURITY=)([^;]*)/, (_, k, val) => k + (val ? `<${val.length} chars …${val.slice(-12)}>` : ''))
      out[n] = v
    }
  }
  return out
}

function formatEntries (entries) {
  if (!entries.length) return '  (no HTTP request was made)'
  return entries.map(e => {
    const body = e.responseBody === undefined ? '(no answer)' : e.responseBody.length > 600 ? e.responseBody.slice(0, 600) + '…' : e.responseBody
    return `  > ${e.method} ${e.path}  ${JSON.stringify(e.requestHeaders)}${e.requestBody ? '  body ' + e.requestBody : ''}\n` +
           `  < ${e.status} ${JSON.stringify(e.responseHeaders || {})} ${body}`
  }).join('\n')
}

// startInventoryd starts the binary and the recorder. The returned `url` is
// the one to point a client at.
async function startInventoryd (opts = {}) {
  const bin = binaryPath()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventoryd-clients-'))
  const args = ['serve', '--addr', '127.0.0.1:0', '--db', path.join(dir, 'x.db'), '--fixtures', opts.fixture || FIXTURE]
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', c => { stderr += c })
  let serverUrl
  try {
    serverUrl = await waitForListenLine(child, 30000)
    await waitHealthy(serverUrl, 15000)
  } catch (e) {
    child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const recorder = await startRecorder(serverUrl)
  let stopped = false
  return {
    url: recorder.url,
    serverUrl,
    transcript: recorder.transcript,
    stderr: () => stderr,
    mark: () => recorder.transcript.length,
    since: (mark) => recorder.transcript.slice(mark),
    explain: (mark) => formatEntries(recorder.transcript.slice(mark || 0)),
    async stop () {
      if (stopped) return
      stopped = true
      await recorder.close()
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

// step runs fn and, when it throws, adds the HTTP exchanges it caused to the
// error, so a failure shows the request the library made and what inventoryd
// answered.
async function step (server, fn) {
  const mark = server.mark()
  try {
    return await fn()
  } catch (e) {
    const detail = `\n--- HTTP exchanges during this step (library -> inventoryd):\n${server.explain(mark)}`
    if (e && typeof e === 'object') {
      try {
        e.message = String(e.message) + detail
      } catch {}
      throw e
    }
    throw new Error(String(e) + detail)
  }
}

module.exports = { startInventoryd, step, formatEntries, FIXTURE, REPO }
