'use strict'
// What clients/fixture.json holds, spelled out for the assertions. Keep in
// step with the fixture.

const COOKIE = '_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_inventoryd-clients-EmuCollector'
const BAD_COOKIE = '_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_no-such-session'

const USERS = {
  collector: { id: 5001, name: 'EmuCollector', displayName: 'Emu Collector', membership: 4 }, // the session; AllUsers
  hermit: { id: 5002, name: 'EmuHermit' }, // NoOne
  membersOnly: { id: 5003, name: 'EmuMembersOnly' }, // AllAuthenticatedUsers
  buddy: { id: 5004, name: 'EmuBuddy' }, // Friends; friend of the collector
  creator: { id: 5005, name: 'EmuCreator' }, // AllUsers
  trader: { id: 5006, name: 'EmuTrader' } // AllUsers
}
const UNKNOWN_USER = 999999

const ASSETS = {
  valkyrie: 7000001, // Hat, limited unique, serials 1..11
  domino: 7000002, // Hat, limited (no serials)
  halo: 7000003, // HairAccessory, UGC collectible
  throwawayShirt: 7200001, // Shirt, owned by the collector, deletable
  sparePants: 7200002, // Pants, owned by the collector, deletable
  robloxFace: 7200003, // Face, created by Roblox (user 1): not deletable
  unownedShirt: 7200004, // Shirt nobody owns
  spareTee: 7200005, // TShirt, owned by the collector, deletable
  knightPackage: 7300001, // Package of 7300002, 7300003
  plainHats: Array.from({ length: 12 }, (_, i) => 7100001 + i) // 12 plain Hats by EmuCreator
}
const UNKNOWN_ASSET = 799999999

const HALO_ITEM_ID = '3f0c2a6e-5b1d-4c8e-9a7f-1d2e3f4a5b6c'
const HALO_INSTANCE_ID = '8b9c0d1e-2f3a-4b5c-8d6e-7f8091a2b3c4'

// The collector's collectibles (v1), by userAssetId.
const COLLECTOR_COLLECTIBLES = [
  { userAssetId: 900000107, serialNumber: 7, assetId: 7000001, name: 'Emu Valkyrie Helm', recentAveragePrice: 125000, originalPrice: 10000, assetStock: 25, isOnHold: false },
  { userAssetId: 900000201, serialNumber: null, assetId: 7000002, name: 'Emu Domino Crown', recentAveragePrice: 48000, originalPrice: null, assetStock: null, isOnHold: false },
  { userAssetId: 900000301, serialNumber: 3, assetId: 7000003, name: 'Emu UGC Halo', recentAveragePrice: 300, originalPrice: 95, assetStock: 50, isOnHold: true }
]

// The collector's 14 Hats (asset type 8) in userAssetId order.
const COLLECTOR_HATS = [
  { userAssetId: 900000107, assetId: 7000001, assetName: 'Emu Valkyrie Helm', serialNumber: 7 },
  { userAssetId: 900000201, assetId: 7000002, assetName: 'Emu Domino Crown', serialNumber: null },
  ...Array.from({ length: 12 }, (_, i) => ({
    userAssetId: 900001001 + i,
    assetId: 7100001 + i,
    assetName: `Emu Plain Hat ${String(i + 1).padStart(2, '0')}`,
    serialNumber: null,
    created: `2021-02-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`
  }))
]

// Owners of the Valkyrie Helm, serial -> owner, in userAssetId order
// (userAssetId = 900000100 + serial).
const VALKYRIE_OWNERS = [
  [1, 'User', 5006], [2, 'User', 5006], [3, 'User', 5006], [4, 'User', 5006], [5, 'User', 5006], [6, 'User', 5006],
  [7, 'User', 5001], [8, 'User', 5005], [9, 'User', 5002], [10, 'Group', 70], [11, 'User', 5003]
].map(([serial, type, id]) => ({ userAssetId: 900000100 + serial, serial, type, id }))

const ITEMS = {
  gamePass: { owned: 8000001, ownedName: 'Emu VIP', ownedInstanceId: 31000001, notOwned: 8000002 },
  badge: { owned: 8100001, ownedName: 'Emu Welcome', notOwned: 8100002 },
  bundle: { owned: 8200001, ownedName: 'Emu Paladin', notOwned: 8200002 }
}

const MSG = {
  // wire-behaviour.md §3.4: v2 private inventory -> 403 code 4.
  v2Private: { code: 4, message: "You are not authorized to view this user's inventory." },
  // wire-behaviour.md §3.4 [I]: v1 collectibles private -> 403 code 11.
  v1Private: { code: 11, message: "You don't have permissions to view the specified user's inventory." },
  // inventory-v2 swagger: 400 1: Invalid user Id.
  v2NoUser: { code: 1, message: 'Invalid user Id.' },
  // inventory-v1 swagger (items): 400 1: The specified user does not exist!
  v1NoUser: { code: 1, message: 'The specified user does not exist!' },
  notFound: { code: 0, message: 'NotFound' },
  deleteNotAllowed: { code: 3, message: 'The item is not allowed to be deleted.' },
  deleteNotOwned: { code: 2, message: "You don't own the specified item." },
  deleteNoItem: { code: 1, message: 'The item does not exist.' }
}

module.exports = {
  COOKIE, BAD_COOKIE, USERS, UNKNOWN_USER, ASSETS, UNKNOWN_ASSET, HALO_ITEM_ID, HALO_INSTANCE_ID,
  COLLECTOR_COLLECTIBLES, COLLECTOR_HATS, VALKYRIE_OWNERS, ITEMS, MSG
}
