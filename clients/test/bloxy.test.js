'use strict'
// bloxy 5.7.3, unmodified, against the real inventoryd binary.
//
// The redirection is bloxy's own public `rest.requester` client option
// (redirect/bloxy-requester.js).

const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')

const { Client } = require('bloxy')
// bloxy's main module exports only Client; its user structure is reachable
// by path (the package has no "exports" map).
const { PartialUser } = require('bloxy/dist/structures')
const { inventorydRequester } = require('../redirect/bloxy-requester.js')
const { startInventoryd, step } = require('../lib/server.js')
const F = require('../lib/facts.js')

let server
const S = fn => step(server, fn)
const newClient = () => new Client({ rest: { requester: inventorydRequester(server.url) } })

before(async () => {
  server = await startInventoryd()
})
after(async () => {
  if (server) await server.stop()
})

const errorBody = want => ({ errors: [Object.assign({}, want)] })
// bloxy returns inventoryd's error envelope as if it were data; domain
// errors may carry userFacingMessage, which is not asserted here.
function assertErrorBody (got, want) {
  assert.ok(got && Array.isArray(got.errors), `want an error envelope, got ${JSON.stringify(got)}`)
  assert.deepEqual(got.errors.map(e => ({ code: e.code, message: e.message })), errorBody(want).errors)
}
const query = entry => new URL(entry.path, 'http://x').searchParams

describe('bloxy: set-up', () => {
  it('needs a requester: without one it requires "got", which --ignore-scripts does not install', () => {
    assert.throws(() => new Client(), /Failed to retrieve module "got" and no custom requester provided/)
  })

  it('sends its requests to inventoryd with the original Host header', () => S(async () => {
    const mark = server.mark()
    const got = await newClient().apis.inventoryAPI.getPackageAssets({ packageId: F.ASSETS.knightPackage })
    assert.deepEqual(got, { assetIds: [7300002, 7300003] })
    const [req] = server.since(mark)
    assert.equal(req.host, 'inventory.roblox.com')
    assert.equal(req.path, `/v1/packages/${F.ASSETS.knightPackage}/assets`)
  }))
})

describe('bloxy: InventoryAPI, anonymous', () => {
  let client
  before(() => { client = newClient() })

  it('getUserCollectibles returns the page with serials, RAP, hold state', () => S(async () => {
    const got = await client.apis.inventoryAPI.getUserCollectibles({ userId: F.USERS.collector.id, limit: 10 })
    assert.equal(got.previousPageCursor, null)
    assert.equal(got.nextPageCursor, null)
    assert.deepEqual(got.data.map(c => ({
      userAssetId: c.userAssetId,
      serialNumber: c.serialNumber,
      assetId: c.assetId,
      name: c.name,
      recentAveragePrice: c.recentAveragePrice,
      originalPrice: c.originalPrice,
      assetStock: c.assetStock,
      isOnHold: c.isOnHold
    })), F.COLLECTOR_COLLECTIBLES)
  }))

  it('getUserCollectibles filters by assetType and sorts Desc', () => S(async () => {
    const hats = await client.apis.inventoryAPI.getUserCollectibles({ userId: F.USERS.collector.id, assetType: 'Hat', sortOrder: 'Desc', limit: 10 })
    assert.deepEqual(hats.data.map(c => c.userAssetId), [900000201, 900000107])
  }))

  it('getUserCollectibles does not throw on a private inventory: it resolves to the error envelope', () => S(async () => {
    const got = await client.apis.inventoryAPI.getUserCollectibles({ userId: F.USERS.hermit.id })
    assertErrorBody(got, F.MSG.v1Private)
  }))

  it('getUserItemsByTypeAndTargetId answers for Asset, GamePass, Badge and Bundle', () => S(async () => {
    const api = client.apis.inventoryAPI
    const u = F.USERS.collector.id
    const asset = await api.getUserItemsByTypeAndTargetId({ userId: u, itemType: 'Asset', itemTargetId: F.ASSETS.valkyrie })
    assert.deepEqual(asset, { previousPageCursor: null, nextPageCursor: null, data: [{ type: 'Asset', id: F.ASSETS.valkyrie, name: 'Emu Valkyrie Helm', instanceId: 900000107 }] })
    const pass = await api.getUserItemsByTypeAndTargetId({ userId: u, itemType: 'GamePass', itemTargetId: F.ITEMS.gamePass.owned })
    assert.deepEqual(pass.data, [{ type: 'GamePass', id: F.ITEMS.gamePass.owned, name: F.ITEMS.gamePass.ownedName, instanceId: F.ITEMS.gamePass.ownedInstanceId }])
    const badge = await api.getUserItemsByTypeAndTargetId({ userId: u, itemType: 'Badge', itemTargetId: F.ITEMS.badge.owned })
    assert.deepEqual(badge.data.map(d => [d.type, d.id, d.name]), [['Badge', F.ITEMS.badge.owned, F.ITEMS.badge.ownedName]])
    const bundle = await api.getUserItemsByTypeAndTargetId({ userId: u, itemType: 'Bundle', itemTargetId: F.ITEMS.bundle.owned })
    assert.deepEqual(bundle.data.map(d => [d.type, d.id, d.name]), [['Bundle', F.ITEMS.bundle.owned, F.ITEMS.bundle.ownedName]])
    const none = await api.getUserItemsByTypeAndTargetId({ userId: u, itemType: 'Bundle', itemTargetId: F.ITEMS.bundle.notOwned })
    assert.deepEqual(none.data, [])
    const unknown = await api.getUserItemsByTypeAndTargetId({ userId: F.UNKNOWN_USER, itemType: 'Asset', itemTargetId: F.ASSETS.valkyrie })
    assertErrorBody(unknown, F.MSG.v1NoUser)
  }))

  it('getAssetOwners pages through 11 serials (cursor, sortOrder); anonymous sees no owners', () => S(async () => {
    const api = client.apis.inventoryAPI
    const first = await api.getAssetOwners({ assetId: F.ASSETS.valkyrie, limit: 10 })
    assert.equal(first.previousPageCursor, null)
    assert.ok(first.nextPageCursor, 'a next page')
    assert.deepEqual(first.data.map(r => [r.id, r.serialNumber]), F.VALKYRIE_OWNERS.slice(0, 10).map(o => [o.userAssetId, o.serial]))
    const second = await api.getAssetOwners({ assetId: F.ASSETS.valkyrie, limit: 10, cursor: first.nextPageCursor })
    assert.equal(second.nextPageCursor, null)
    assert.ok(second.previousPageCursor, 'a previous page')
    assert.deepEqual(second.data.map(r => [r.id, r.serialNumber]), [[900000111, 11]])
    const back = await api.getAssetOwners({ assetId: F.ASSETS.valkyrie, limit: 10, cursor: second.previousPageCursor })
    assert.deepEqual(back.data.map(r => r.id), first.data.map(r => r.id))
    const desc = await api.getAssetOwners({ assetId: F.ASSETS.valkyrie, limit: 10, sortOrder: 'Desc' })
    assert.deepEqual(desc.data.slice(0, 3).map(r => r.serialNumber), [11, 10, 9])
    // Anonymous callers see no owner at all (wire-behaviour.md §3.6 [S]).
    assert.deepEqual([...first.data, ...second.data].map(r => r.owner), Array(11).fill(null))
  }))

  it('getUserInventory takes assetTypes as an array (sent as repeated parameters) or as a comma list', () => S(async () => {
    const api = client.apis.inventoryAPI
    const mark = server.mark()
    const arr = await api.getUserInventory({ userId: F.USERS.collector.id, assetTypes: ['Face', 'Package'], limit: 10 })
    assert.deepEqual(query(server.since(mark)[0]).getAll('assetTypes'), ['Face', 'Package'])
    assert.deepEqual(arr.data.map(i => [i.assetId, i.name, i.assetType]).sort(),
      [[F.ASSETS.robloxFace, 'Roblox Smile Face', 'Face'], [F.ASSETS.knightPackage, 'Emu Knight Package', 'Package']].sort())
    const csv = await api.getUserInventory({ userId: F.USERS.collector.id, assetTypes: 'Face,Package', limit: 10 })
    assert.deepEqual(csv.data, arr.data)
  }))

  it('getUserInventory and getUserInventoryByAssetTypeId resolve to the error envelope for private and unknown users', () => S(async () => {
    const api = client.apis.inventoryAPI
    assertErrorBody(await api.getUserInventory({ userId: F.USERS.hermit.id, assetTypes: ['Hat'] }), F.MSG.v2Private)
    assertErrorBody(await api.getUserInventoryByAssetTypeId({ userId: F.USERS.membersOnly.id, assetTypeId: 8 }), F.MSG.v2Private)
    assertErrorBody(await api.getUserInventoryByAssetTypeId({ userId: F.UNKNOWN_USER, assetTypeId: 8 }), F.MSG.v2NoUser)
  }))

  it('getUserInventoryByAssetTypeId pages through 14 Hats', () => S(async () => {
    const api = client.apis.inventoryAPI
    const first = await api.getUserInventoryByAssetTypeId({ userId: F.USERS.collector.id, assetTypeId: 8, limit: 10 })
    assert.equal(first.data.length, 10)
    assert.ok(first.nextPageCursor)
    const second = await api.getUserInventoryByAssetTypeId({ userId: F.USERS.collector.id, assetTypeId: 8, limit: 10, cursor: first.nextPageCursor })
    assert.equal(second.nextPageCursor, null)
    assert.deepEqual([...first.data, ...second.data].map(i => [i.userAssetId, i.assetId, i.assetName, i.serialNumber]),
      F.COLLECTOR_HATS.map(h => [h.userAssetId, h.assetId, h.assetName, h.serialNumber]))
    assert.deepEqual(first.data[0].owner, { userId: F.USERS.collector.id, username: F.USERS.collector.name, buildersClubMembershipType: F.USERS.collector.membership })
  }))
})

describe('bloxy: signed in, User helpers and CursorPage', () => {
  let client
  before(() => { client = newClient() })

  it('login rejects an unknown cookie', () => S(async () => {
    await assert.rejects(newClient().login(F.BAD_COOKIE), err => {
      assert.equal(err.name, 'BloxyHttpInvalidStatusCodeError')
      assert.equal(err.statusCode, 401)
      return true
    })
  }))

  it('login validates the cookie against users.roblox.com/v1/users/authenticated', () => S(async () => {
    const mark = server.mark()
    const me = await client.login(F.COOKIE)
    assert.equal(me.id, F.USERS.collector.id)
    assert.equal(me.name, F.USERS.collector.name)
    assert.equal(client.isLoggedIn(), true)
    const [req] = server.since(mark)
    assert.equal(req.host, 'users.roblox.com')
    assert.equal(req.path, '/v1/users/authenticated')
  }))

  it('getAssetOwners, signed in, shows users, the group, and hides the NoOne owner', () => S(async () => {
    const api = client.apis.inventoryAPI
    const first = await api.getAssetOwners({ assetId: F.ASSETS.valkyrie, limit: 25 })
    assert.equal(first.nextPageCursor, null)
    const names = { 5001: 'EmuCollector', 5002: 'EmuHermit', 5003: 'EmuMembersOnly', 5005: 'EmuCreator', 5006: 'EmuTrader', 70: 'Emu Hat Guild' }
    assert.deepEqual(first.data.map(r => [r.serialNumber, r.owner]), F.VALKYRIE_OWNERS.map(o =>
      [o.serial, o.id === F.USERS.hermit.id ? null : { id: o.id, type: o.type, name: names[o.id] }]))
    for (const r of first.data) {
      assert.equal(r.collectibleItemInstanceId, null)
      assert.match(r.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    }
  }))

  it('user.getCollectibles returns a CursorPage; with no next page getNext throws', () => S(async () => {
    const page = await client.user.getCollectibles({ limit: 10 })
    assert.deepEqual(page.data.map(c => [c.assetId, c.serialNumber]), F.COLLECTOR_COLLECTIBLES.map(c => [c.assetId, c.serialNumber]))
    assert.deepEqual(page.cursors, { current: null, next: null, previous: null })
    assert.throws(() => page.getNext(), /no cursor was presented for the next page/)
    assert.throws(() => page.getPrevious(), /no cursor was presented for the previous page/)
  }))

  it('user.getItemsByTypeAndTargetId returns the owned copy', () => S(async () => {
    const page = await client.user.getItemsByTypeAndTargetId('GamePass', F.ITEMS.gamePass.owned)
    assert.deepEqual(page.data.map(d => [d.type, d.id, d.instanceId]), [['GamePass', F.ITEMS.gamePass.owned, F.ITEMS.gamePass.ownedInstanceId]])
  }))

  it('user.getInventory sees an AllAuthenticatedUsers inventory once signed in', () => S(async () => {
    const other = new PartialUser({ id: F.USERS.membersOnly.id }, client)
    const page = await other.getInventory({ assetTypes: ['Hat'], limit: 10 })
    assert.deepEqual(page.data.map(i => i.assetId).sort(), [7000001, 7100002])
    const hermit = new PartialUser({ id: F.USERS.hermit.id }, client)
    const denied = await hermit.getInventory({ assetTypes: ['Hat'], limit: 10 })
    assert.equal(denied.data, undefined, 'a CursorPage over the error envelope has no data')
  }))

  it('CursorPage.getNext() is broken in bloxy: it requests /v2/users/undefined/... (and gets NotFound)', () => S(async () => {
    const page = await client.user.getInventoryByAssetTypeId({ assetTypeId: 8, limit: 10 })
    assert.equal(page.data.length, 10)
    assert.ok(page.cursors.next)
    const mark = server.mark()
    const next = await page.getNext()
    const [req] = server.since(mark)
    assert.match(req.path, /^\/v2\/users\/undefined\/inventory\/8\?/)
    assert.equal(req.status, 404)
    assert.deepEqual(JSON.parse(req.responseBody), errorBody(F.MSG.notFound))
    assert.equal(next.data, undefined)
  }))

  it('work-around: call the User method again with the page\'s cursors (next, then previous)', () => S(async () => {
    const me = client.user
    const first = await me.getInventoryByAssetTypeId({ assetTypeId: 8, limit: 10 })
    const second = await me.getInventoryByAssetTypeId({ ...first.options, cursor: first.cursors.next })
    assert.equal(second.cursors.next, null)
    assert.ok(second.cursors.previous)
    assert.deepEqual([...first.data, ...second.data].map(i => i.userAssetId), F.COLLECTOR_HATS.map(h => h.userAssetId))
    // getPrevious() has the same bug as getNext().
    const mark = server.mark()
    const broken = await second.getPrevious()
    assert.equal(broken.data, undefined)
    assert.match(server.since(mark)[0].path, /^\/v2\/users\/undefined\/inventory\/8\?/)
    const back = await me.getInventoryByAssetTypeId({ ...second.options, cursor: second.cursors.previous })
    assert.deepEqual(back.data.map(i => i.userAssetId), first.data.map(i => i.userAssetId))

    const inv1 = await me.getInventory({ assetTypes: ['Hat'], limit: 10 })
    assert.equal(inv1.data.length, 10)
    const inv2 = await me.getInventory({ ...inv1.options, cursor: inv1.cursors.next })
    assert.deepEqual([...inv1.data, ...inv2.data].map(i => i.assetId).sort((a, b) => a - b),
      F.COLLECTOR_HATS.map(h => h.assetId).sort((a, b) => a - b))
  }))

  it('user.getInventory() with no options crashes inside bloxy (CursorPage reads options.cursor)', () => S(async () => {
    await assert.rejects(client.user.getInventory(), /Cannot read properties of undefined \(reading 'cursor'\)/)
  }))
})

// bloxy fetches its CSRF token from POST auth.roblox.com/v2/login before
// every non-GET request (dist/controllers/rest/request/prepare.js,
// lib/updateXCSRFToken.js: only a 403 with an x-csrf-token header will do).
describe('bloxy: writes, with the CSRF token from /v2/login', () => {
  let client
  before(async () => {
    client = newClient()
    await client.login(F.COOKIE)
  })

  // canView asks inventory.roblox.com's can-view-inventory directly (bloxy
  // has no method for it), anonymously or with the session cookie.
  async function canView (userId, signedIn) {
    const headers = { host: 'inventory.roblox.com' }
    if (signedIn) headers.cookie = `.ROBLOSECURITY=${F.COOKIE}`
    const res = await fetch(`${server.url}/v1/users/${userId}/can-view-inventory`, { headers })
    assert.equal(res.status, 200)
    return (await res.json()).canView
  }

  it('user.updateInventoryPrivacy changes the setting; GET inventory-privacy and can-view-inventory follow', () => S(async () => {
    const me = F.USERS.collector.id
    assert.deepEqual(await client.user.getInventoryPrivacy(), { inventoryPrivacy: 'AllUsers' })
    assert.equal(await canView(me, false), true)

    const mark = server.mark()
    const got = await client.user.updateInventoryPrivacy('NoOne')
    assert.deepEqual(got, { inventoryPrivacy: 'NoOne', tradePrivacyUpdated: false, privacySettingResponse: 'Accepted' })
    const [harvest, update] = server.since(mark)
    assert.deepEqual([harvest.method, harvest.host, harvest.path, harvest.status], ['POST', 'auth.roblox.com', '/v2/login', 403])
    assert.deepEqual(JSON.parse(harvest.responseBody), errorBody({ code: 0, message: 'Token Validation Failed' }))
    assert.ok(harvest.responseHeaders['x-csrf-token'], 'the challenge carries a token')
    assert.deepEqual([update.method, update.host, update.path, update.status], ['POST', 'accountsettings.roblox.com', '/v1/inventory-privacy', 200])
    assert.equal(update.requestHeaders['x-csrf-token'], harvest.responseHeaders['x-csrf-token'])

    assert.deepEqual(await client.user.getInventoryPrivacy(), { inventoryPrivacy: 'NoOne' })
    assert.equal(await canView(me, false), false)
    assert.equal(await canView(me, true), true, 'the owner always sees their own')
    assertErrorBody(await newClient().apis.inventoryAPI.getUserInventory({ userId: me, assetTypes: ['Hat'] }), F.MSG.v2Private)

    // Back to AllUsers, by number this time, reusing the cached token.
    const mark2 = server.mark()
    const back = await client.apis.accountSettingsAPI.updateInventoryPrivacy({ inventoryPrivacy: 6 })
    assert.equal(back.inventoryPrivacy, 'AllUsers')
    assert.deepEqual(server.since(mark2).map(e => e.path), ['/v1/inventory-privacy'])
    assert.equal(await canView(me, false), true)
  }))

  it('getUsersByUserIds (POST users.roblox.com/v1/users) works once the token can be had', () => S(async () => {
    const users = await client.getUsersByUserIds([F.USERS.collector.id, F.UNKNOWN_USER])
    assert.deepEqual(users.map(u => [u.id, u.name]), [[F.USERS.collector.id, F.USERS.collector.name]])
    const anon = await newClient().getUsersByUserIds([F.USERS.hermit.id])
    assert.deepEqual(anon.map(u => [u.id, u.name]), [[F.USERS.hermit.id, 'EmuHermit']])
  }))
})
