'use strict'
// noblox.js 9.0.0, unmodified, against the real inventoryd binary.
//
// The redirection is redirect/noblox-preload.js, required here before
// noblox.js (the same thing `node --require` does; a test below also runs
// it that way in a child process).

const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const path = require('node:path')

const preload = require('../redirect/noblox-preload.js')
const noblox = require('noblox.js')
const { startInventoryd, step } = require('../lib/server.js')
const F = require('../lib/facts.js')

let server
const S = fn => step(server, fn)

before(async () => {
  server = await startInventoryd()
  preload.setBaseUrl(server.url)
})
after(async () => {
  if (server) await server.stop()
})

// apiError asserts that p rejects with noblox's RobloxAPIError carrying the
// given HTTP status and Roblox error {code, message}.
async function apiError (p, status, want) {
  await assert.rejects(p, err => {
    assert.equal(err.name, 'RobloxAPIError', `want a RobloxAPIError, got ${err && err.stack}`)
    assert.equal(err.httpStatusCode, status, `status; body ${err.responseBody}`)
    assert.deepEqual({ code: err.error.code, message: err.error.message }, want, `error; body ${err.responseBody}`)
    return true
  })
}

const byUaid = (a, b) => a.userAssetId - b.userAssetId
const pickCollectible = c => ({
  userAssetId: c.userAssetId,
  serialNumber: c.serialNumber,
  assetId: c.assetId,
  name: c.name,
  recentAveragePrice: c.recentAveragePrice,
  originalPrice: c.originalPrice,
  assetStock: c.assetStock,
  isOnHold: c.isOnHold
})

describe('noblox.js: redirection', () => {
  it('sends *.roblox.com requests to inventoryd with the original Host header', () => S(async () => {
    const mark = server.mark()
    const owned = await noblox.getOwnership(F.USERS.collector.id, F.ASSETS.valkyrie, 'Asset')
    assert.equal(owned, true)
    const sent = server.since(mark)
    assert.equal(sent.length, 1)
    assert.equal(sent[0].method, 'GET')
    assert.equal(sent[0].host, 'inventory.roblox.com')
    assert.equal(sent[0].path, `/v1/users/${F.USERS.collector.id}/items/Asset/${F.ASSETS.valkyrie}`)
  }))

  it('works as a `node --require` preload with INVENTORYD_URL', () => S(async () => {
    // The child must run asynchronously: the recording proxy lives in this process.
    const script = `require('noblox.js').getOwnership(${F.USERS.collector.id}, ${F.ITEMS.gamePass.owned}, 'GamePass')` +
      '.then(v => { console.log(JSON.stringify(v)) }, e => { console.error(e); process.exit(1) })'
    const mark = server.mark()
    const { code, stdout, stderr } = await new Promise(resolve => {
      execFile(process.execPath, ['--require', path.join(__dirname, '..', 'redirect', 'noblox-preload.js'), '-e', script], {
        cwd: path.join(__dirname, '..'),
        env: Object.assign({}, process.env, { INVENTORYD_URL: server.url }),
        timeout: 30000
      }, (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }))
    })
    assert.equal(code, 0, `child failed: ${stderr}`)
    assert.equal(stdout.trim(), 'true')
    const sent = server.since(mark)
    assert.deepEqual(sent.map(e => [e.host, e.path]), [['inventory.roblox.com', `/v1/users/${F.USERS.collector.id}/items/GamePass/${F.ITEMS.gamePass.owned}`]])
  }))
})

describe('noblox.js: anonymous (before setCookie)', () => {
  it('getCollectibles lists a public user\'s limiteds with serials, RAP and hold state', () => S(async () => {
    const got = await noblox.getCollectibles({ userId: F.USERS.collector.id })
    assert.deepEqual(got.map(pickCollectible).sort(byUaid), F.COLLECTOR_COLLECTIBLES)
    for (const c of got) assert.equal(typeof c.buildersClubMembershipType, 'number')
  }))

  it('getCollectibles filters by assetType name', () => S(async () => {
    const got = await noblox.getCollectibles({ userId: F.USERS.collector.id, assetType: 'HairAccessory' })
    assert.deepEqual(got.map(c => [c.assetId, c.serialNumber, c.userAssetId]), [[F.ASSETS.halo, 3, 900000301]])
  }))

  it('getCollectibles surfaces 403 for a private (NoOne) inventory', () => S(async () => {
    await apiError(noblox.getCollectibles({ userId: F.USERS.hermit.id }), 403, F.MSG.v1Private)
  }))

  it('getInventory surfaces 403 for a private inventory and for AllAuthenticatedUsers when anonymous', () => S(async () => {
    await apiError(noblox.getInventory({ userId: F.USERS.hermit.id, assetTypes: ['Hat'] }), 403, F.MSG.v2Private)
    await apiError(noblox.getInventory({ userId: F.USERS.membersOnly.id, assetTypes: ['Hat'] }), 403, F.MSG.v2Private)
  }))

  it('getInventoryById surfaces 403 for a Friends-only inventory when anonymous', () => S(async () => {
    await apiError(noblox.getInventoryById({ userId: F.USERS.buddy.id, assetTypeId: 8 }), 403, F.MSG.v2Private)
  }))

  it('surfaces 400 for an unknown user', () => S(async () => {
    await apiError(noblox.getInventory({ userId: F.UNKNOWN_USER, assetTypes: ['Hat'] }), 400, F.MSG.v2NoUser)
    await apiError(noblox.getInventoryById({ userId: F.UNKNOWN_USER, assetTypeId: 8 }), 400, F.MSG.v2NoUser)
    await apiError(noblox.getOwnership(F.UNKNOWN_USER, F.ASSETS.valkyrie, 'Asset'), 400, F.MSG.v1NoUser)
  }))

  it('getCollectibles surfaces 400 for an unknown user', () => S(async () => {
    await apiError(noblox.getCollectibles({ userId: F.UNKNOWN_USER }), 400, F.MSG.v1NoUser)
  }))
})

describe('noblox.js: setCookie', () => {
  it('rejects a cookie inventoryd does not know, and stays signed out', () => S(async () => {
    const quiet = console.error
    console.error = () => {} // noblox prints "Failed to validate cookie" before throwing
    try {
      await assert.rejects(noblox.setCookie(F.BAD_COOKIE), /You are not logged in/)
    } finally {
      console.error = quiet
    }
    assert.equal(noblox.options.jar.session, '')
  }))

  it('validates the session cookie against /v1/users/authenticated and returns the user', () => S(async () => {
    const mark = server.mark()
    const user = await noblox.setCookie(F.COOKIE)
    assert.deepEqual({ id: user.id, name: user.name, displayName: user.displayName },
      { id: F.USERS.collector.id, name: F.USERS.collector.name, displayName: F.USERS.collector.displayName })
    assert.equal(noblox.options.jar.session, F.COOKIE)
    const [req] = server.since(mark)
    assert.equal(req.host, 'users.roblox.com')
    assert.equal(req.path, '/v1/users/authenticated')
  }))

  it('getAuthenticatedUser answers for the cookie set', () => S(async () => {
    const user = await noblox.getAuthenticatedUser()
    assert.equal(user.id, F.USERS.collector.id)
    assert.equal(user.name, F.USERS.collector.name)
  }))
})

describe('noblox.js: signed in as the collector', () => {
  it('getInventoryById pages through 14 Hats (page size 10) in userAssetId order with owner and serials', () => S(async () => {
    const mark = server.mark()
    const got = await noblox.getInventoryById({ userId: F.USERS.collector.id, assetTypeId: 8, limit: 14 })
    const sent = server.since(mark)
    assert.equal(sent.length, 2, 'two pages')
    assert.match(sent[0].path, /[?&]limit=10(&|$)/)
    const firstBody = JSON.parse(sent[0].responseBody)
    assert.ok(firstBody.nextPageCursor, 'the first page has a next cursor')
    assert.equal(new URL(sent[1].path, 'http://x').searchParams.get('cursor'), firstBody.nextPageCursor)

    assert.deepEqual(got.map(i => ({ userAssetId: i.userAssetId, assetId: i.assetId, assetName: i.assetName, serialNumber: i.serialNumber })),
      F.COLLECTOR_HATS.map(({ userAssetId, assetId, assetName, serialNumber }) => ({ userAssetId, assetId, assetName, serialNumber })))
    for (const i of got) {
      assert.deepEqual(i.owner, { userId: F.USERS.collector.id, username: F.USERS.collector.name, buildersClubMembershipType: F.USERS.collector.membership })
      assert.equal(i.collectibleItemId, null)
      assert.ok(i.created instanceof Date && !isNaN(i.created), 'created parsed to a Date')
    }
    assert.equal(got[2].created.toISOString(), F.COLLECTOR_HATS[2].created)
  }))

  it('getInventoryById returns the UGC collectible with its collectibleItemId and instance id', () => S(async () => {
    const got = await noblox.getInventoryById({ userId: F.USERS.collector.id, assetTypeId: 41 })
    assert.equal(got.length, 1)
    assert.deepEqual(
      { userAssetId: got[0].userAssetId, assetId: got[0].assetId, serialNumber: got[0].serialNumber, collectibleItemId: got[0].collectibleItemId, collectibleItemInstanceId: got[0].collectibleItemInstanceId },
      { userAssetId: 900000301, assetId: F.ASSETS.halo, serialNumber: 3, collectibleItemId: F.HALO_ITEM_ID, collectibleItemInstanceId: F.HALO_INSTANCE_ID })
  }))

  it('getInventory lists several asset types and pages (limit 17 -> pages of 10)', () => S(async () => {
    const mark = server.mark()
    const got = await noblox.getInventory({ userId: F.USERS.collector.id, assetTypes: ['Hat', 'Shirt', 'Pants', 'Face'], limit: 17 })
    assert.equal(server.since(mark).length, 2)
    assert.equal(got.length, 17)
    const ids = got.map(i => i.assetId).sort((a, b) => a - b)
    const want = [...F.COLLECTOR_HATS.map(h => h.assetId), F.ASSETS.throwawayShirt, F.ASSETS.sparePants, F.ASSETS.robloxFace].sort((a, b) => a - b)
    assert.deepEqual(ids, want)
    const face = got.find(i => i.assetId === F.ASSETS.robloxFace)
    assert.equal(face.name, 'Roblox Smile Face')
    assert.equal(face.assetType, 'Face')
    assert.ok(face.created instanceof Date && !isNaN(face.created))
  }))

  it('getInventory never sends sortOrder (noblox quirk): Desc still comes back ascending', () => S(async () => {
    const mark = server.mark()
    const got = await noblox.getInventory({ userId: F.USERS.collector.id, assetTypes: ['Hat'], sortOrder: 'Desc', limit: 100 })
    const [req] = server.since(mark)
    assert.equal(new URL(req.path, 'http://x').searchParams.get('sortOrder'), null)
    assert.deepEqual(got.map(i => i.assetId), F.COLLECTOR_HATS.map(h => h.assetId))
  }))

  it('sees an AllAuthenticatedUsers inventory and a friend\'s Friends-only inventory, but not a NoOne inventory', () => S(async () => {
    const members = await noblox.getInventoryById({ userId: F.USERS.membersOnly.id, assetTypeId: 8 })
    assert.deepEqual(members.map(i => [i.userAssetId, i.assetId, i.serialNumber]), [[900000111, 7000001, 11], [900004002, 7100002, null]])
    const buddy = await noblox.getInventory({ userId: F.USERS.buddy.id, assetTypes: ['Hat'] })
    assert.deepEqual(buddy.map(i => [i.assetId, i.name]), [[7100003, 'Emu Plain Hat 03']])
    await apiError(noblox.getInventory({ userId: F.USERS.hermit.id, assetTypes: ['Hat'] }), 403, F.MSG.v2Private)
    await apiError(noblox.getCollectibles({ userId: F.USERS.hermit.id }), 403, F.MSG.v1Private)
  }))

  it('getOwnership answers for Asset, GamePass, Badge and Bundle, owned and not owned', () => S(async () => {
    const u = F.USERS.collector.id
    assert.equal(await noblox.getOwnership(u, F.ASSETS.valkyrie), true, 'itemType defaults to Asset')
    assert.equal(await noblox.getOwnership(u, F.ASSETS.unownedShirt, 'Asset'), false)
    assert.equal(await noblox.getOwnership(u, F.ITEMS.gamePass.owned, 'GamePass'), true)
    assert.equal(await noblox.getOwnership(u, F.ITEMS.gamePass.notOwned, 'GamePass'), false)
    assert.equal(await noblox.getOwnership(u, F.ITEMS.badge.owned, 'Badge'), true)
    assert.equal(await noblox.getOwnership(u, F.ITEMS.badge.notOwned, 'Badge'), false)
    assert.equal(await noblox.getOwnership(u, F.ITEMS.bundle.owned, 'Bundle'), true)
    assert.equal(await noblox.getOwnership(u, F.ITEMS.bundle.notOwned, 'Bundle'), false)
    assert.equal(await noblox.getOwnership(F.USERS.trader.id, F.ITEMS.gamePass.owned, 'GamePass'), false)
  }))

  it('getUAIDs maps asset ids to the collector\'s userAssetIds and reports the rest as failed', () => S(async () => {
    const got = await noblox.getUAIDs(F.USERS.collector.id, [F.ASSETS.valkyrie, F.ASSETS.halo, F.ASSETS.plainHats[0], 42])
    assert.deepEqual(got.uaids.slice().sort(), [900000107, 900000301])
    assert.deepEqual(got.failedIds, [F.ASSETS.plainHats[0], 42])
    const excluded = await noblox.getUAIDs(F.USERS.collector.id, [F.ASSETS.valkyrie], [900000107])
    assert.deepEqual(excluded, { uaids: [], failedIds: [F.ASSETS.valkyrie] })
  }))

  it('getUAIDs never settles when the collectibles call fails (noblox bug): the 403 escapes as an unhandled rejection', () => S(async () => {
    // getUAIDs wraps getCollectibles in a Promise it only ever resolves. The
    // test runner's own unhandledRejection handler would fail the file, so
    // it is set aside for the duration of this test.
    const saved = process.listeners('unhandledRejection')
    process.removeAllListeners('unhandledRejection')
    const escaped = []
    process.on('unhandledRejection', reason => escaped.push(reason))
    try {
      const p = noblox.getUAIDs(F.USERS.hermit.id, [F.ASSETS.valkyrie])
      const outcome = await Promise.race([
        p.then(() => 'resolved', () => 'rejected'),
        new Promise(resolve => setTimeout(() => resolve('pending'), 750))
      ])
      assert.equal(outcome, 'pending')
      assert.equal(escaped.length, 1)
      assert.equal(escaped[0].name, 'RobloxAPIError')
      assert.equal(escaped[0].httpStatusCode, 403)
      assert.deepEqual({ code: escaped[0].error.code, message: escaped[0].error.message }, F.MSG.v1Private)
    } finally {
      process.removeAllListeners('unhandledRejection')
      for (const l of saved) process.on('unhandledRejection', l)
    }
  }))

  it('deleteFromInventory harvests a CSRF token from POST /v2/logout and deletes the asset', () => S(async () => {
    const mark = server.mark()
    const res = await noblox.deleteFromInventory(F.ASSETS.throwawayShirt)
    assert.equal(res, undefined)
    const sent = server.since(mark)
    assert.deepEqual(sent.map(e => [e.method, e.host, e.path, e.status]), [
      ['POST', 'auth.roblox.com', '/v2/logout', 403],
      ['DELETE', 'inventory.roblox.com', `/v2/inventory/asset/${F.ASSETS.throwawayShirt}`, 200]
    ])
    assert.ok(sent[0].responseHeaders['x-csrf-token'], 'the logout answer carries x-csrf-token')
    assert.equal(sent[1].requestHeaders['x-csrf-token'], sent[0].responseHeaders['x-csrf-token'])
    assert.deepEqual(JSON.parse(sent[0].responseBody), { errors: [{ code: 0, message: 'Token Validation Failed' }] })

    assert.equal(await noblox.getOwnership(F.USERS.collector.id, F.ASSETS.throwawayShirt, 'Asset'), false)
    assert.deepEqual(await noblox.getInventory({ userId: F.USERS.collector.id, assetTypes: ['Shirt'] }), [])
  }))

  it('deleteFromInventory reuses the cached token for a second delete', () => S(async () => {
    const mark = server.mark()
    await noblox.deleteFromInventory(F.ASSETS.sparePants)
    const sent = server.since(mark)
    assert.equal(sent.at(-1).method, 'DELETE')
    assert.equal(sent.at(-1).status, 200)
    assert.equal(await noblox.getOwnership(F.USERS.collector.id, F.ASSETS.sparePants, 'Asset'), false)
  }))

  it('a DELETE with a stale token is challenged and noblox\'s http helper retries with the fresh token', () => S(async () => {
    const mark = server.mark()
    const res = await noblox.http(`https://inventory.roblox.com/v2/inventory/asset/${F.ASSETS.spareTee}`, {
      method: 'DELETE',
      jar: undefined, // noblox: a present-but-empty jar means "the signed-in session"
      headers: { 'X-CSRF-TOKEN': 'stale-token' },
      resolveWithFullResponse: true
    })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(JSON.parse(res.body), {})
    const sent = server.since(mark)
    assert.deepEqual(sent.map(e => [e.method, e.path, e.requestHeaders['x-csrf-token'], e.status]), [
      ['DELETE', `/v2/inventory/asset/${F.ASSETS.spareTee}`, 'stale-token', 403],
      ['DELETE', `/v2/inventory/asset/${F.ASSETS.spareTee}`, sent[0].responseHeaders['x-csrf-token'], 200]
    ])
    assert.deepEqual(JSON.parse(sent[0].responseBody), { errors: [{ code: 0, message: 'Token Validation Failed' }] })
    assert.equal(await noblox.getOwnership(F.USERS.collector.id, F.ASSETS.spareTee, 'Asset'), false)
  }))

  it('deleteFromInventory surfaces Roblox\'s refusals', () => S(async () => {
    await apiError(noblox.deleteFromInventory(F.ASSETS.robloxFace), 403, F.MSG.deleteNotAllowed)
    await apiError(noblox.deleteFromInventory(F.ASSETS.valkyrie), 403, F.MSG.deleteNotAllowed)
    await apiError(noblox.deleteFromInventory(F.ASSETS.unownedShirt), 403, F.MSG.deleteNotOwned)
    await apiError(noblox.deleteFromInventory(F.UNKNOWN_ASSET), 404, F.MSG.deleteNoItem)
    assert.equal(await noblox.getOwnership(F.USERS.collector.id, F.ASSETS.robloxFace, 'Asset'), true)
    assert.equal(await noblox.getOwnership(F.USERS.collector.id, F.ASSETS.valkyrie, 'Asset'), true)
  }))
})
