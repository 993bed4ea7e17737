package inventory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// This file is the admin layer: every change the public API does not
// expose (accounts, catalog, ownership), as one function each. The admin
// HTTP API, the CLI and (later) the web console all call Admin, so the rules
// live here once; the Store methods below do the data work, each in one
// transaction.

// LedgerOp is what an ownership ledger row records.
type LedgerOp int

// The ledger operations (ownership_ledger.op).
const (
	LedgerGrant LedgerOp = iota + 1
	LedgerTransfer
	LedgerRevoke
	LedgerImport
)

var ledgerOps = enum{base: 1, names: []string{"Grant", "Transfer", "Revoke", "Import"}}

func (o LedgerOp) String() string { return ledgerOps.name(int(o)) }

// LedgerEntry is one row of the append-only ownership ledger. From is nil
// when the copy came into being (grant, import); To is nil on revoke.
type LedgerEntry struct {
	ID          int64
	At          time.Time
	Op          LedgerOp
	ItemType    ItemType // ItemAsset: UserAssetID, Serial, InstanceID describe the copy
	ItemID      int64
	UserAssetID int64
	Serial      *int64
	InstanceID  string
	From, To    *Agent
}

// Opt is an optional, nullable value in a patch: Set says the patch
// changes it, a nil Value clears it.
type Opt[T any] struct {
	Set   bool
	Value *T
}

// UserPatch changes some fields of a user; nil fields stay.
type UserPatch struct {
	Name        *string
	DisplayName *string
	Membership  *int
	Privacy     *Privacy
	Banned      *bool
}

// AssetPatch changes some fields of an asset.
type AssetPatch struct {
	Name            *string
	RAP             Opt[int64]
	OriginalPrice   Opt[int64]
	Stock           Opt[int64]
	Price           Opt[int64]
	Moderation      *Moderation
	PackageAssetIDs *[]int64 // replaces the package contents
}

// GrantRequest gives a new copy of an asset to an owner.
type GrantRequest struct {
	AssetID   int64
	Owner     Agent
	HoldUntil *time.Time
	ExpireAt  *time.Time
}

// TransferRequest moves a copy to another owner. With From set the
// transfer applies only while From still owns the copy (compare-and-set);
// two concurrent transfers naming the same From: one wins, the other gets
// KindConflict.
type TransferRequest struct {
	UserAssetID int64
	From        *Agent
	To          Agent
	HoldUntil   *time.Time // the hold after the transfer; nil: none
}

// AdminStore is the write side the admin layer needs. Every method is one
// transaction; ownership changes append their ledger rows in it.
type AdminStore interface {
	// CreateUser inserts a user; KindConflict if the id is taken.
	CreateUser(ctx context.Context, u User) error
	// UpdateUser applies p and returns the user; KindNotFound if absent.
	UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error)
	// SetFriendship adds (on) or removes a symmetric friendship, and
	// SetFollow a follow. KindNotFound for an unknown user, or when
	// removing a relation that is not there.
	SetFriendship(ctx context.Context, a, b int64, on bool) error
	SetFollow(ctx context.Context, follower, following int64, on bool) error
	// CreateSession stores a session (by token hash) for a user.
	CreateSession(ctx context.Context, userID int64, tokenHash []byte) error
	// RevokeSessions deletes the user's session with tokenHash, or all of
	// the user's sessions when tokenHash is nil, and returns how many went.
	RevokeSessions(ctx context.Context, userID int64, tokenHash []byte) (int, error)

	// SaveGroup, SaveGamePass, SaveBadge, SaveBundle and SavePlace insert
	// (create: KindConflict if the id is taken) or replace (KindNotFound if
	// absent) one catalog row. Places check their creator.
	SaveGroup(ctx context.Context, g Group, create bool) error
	SaveGamePass(ctx context.Context, g GamePass, create bool) error
	SaveBadge(ctx context.Context, b Badge, create bool) error
	SaveBundle(ctx context.Context, b Bundle, create bool) error
	SavePlace(ctx context.Context, p Place, create bool) error
	// Place returns a place; KindNotFound if absent.
	Place(ctx context.Context, id int64) (Place, error)
	// CreateAsset inserts an asset and its package contents; KindConflict
	// if the id or collectibleItemId is taken, KindInvalid for an unknown
	// creator or package component.
	CreateAsset(ctx context.Context, a FixtureAsset) error
	// UpdateAsset applies p and returns the asset.
	UpdateAsset(ctx context.Context, id int64, p AssetPatch) (Asset, error)

	// UserAsset returns one owned copy; KindNotFound if absent.
	UserAsset(ctx context.Context, id int64) (UserAsset, error)
	// Grant creates a copy with the next userAssetId; limited-unique and
	// collectible copies get the next serial number, collectibles a fresh
	// collectibleItemInstanceId. KindConflict when the asset's stock is
	// exhausted; KindInvalid for an unknown owner; KindNotFound for an
	// unknown asset.
	Grant(ctx context.Context, g GrantRequest) (UserAsset, error)
	// Transfer moves a copy (id, serial and instance id kept; updated set
	// to now). KindConflict when From no longer owns it.
	Transfer(ctx context.Context, t TransferRequest) (UserAsset, error)
	// Revoke deletes a copy, if from is set only while from owns it.
	Revoke(ctx context.Context, userAssetID int64, from *Agent) (UserAsset, error)
	// SetUserItem grants (on) or revokes a game pass, badge or bundle.
	// Granting an owned item is KindConflict, revoking an unowned one
	// KindNotFound.
	SetUserItem(ctx context.Context, it UserItem, on bool) error
	// SetUserPlace adds or removes a place on a user's places tab.
	SetUserPlace(ctx context.Context, userID int64, tab PlacesTab, placeID int64, on bool) error
	// History lists the ledger rows of one user asset, oldest first.
	History(ctx context.Context, userAssetID int64) ([]LedgerEntry, error)

	// Export streams the whole store, in fixture order, to sink.
	Export(ctx context.Context, sink RecordSink) error
	// ImportStream loads batches from next until it returns io.EOF, all in
	// one transaction: on any error nothing is kept. It is Import for
	// documents too large to hold in memory (docs/bulk-import.md).
	ImportStream(ctx context.Context, next func() (*Fixture, error), progress func(BulkProgress)) (BulkProgress, error)
}

// BulkProgress counts what a streaming import has loaded so far.
type BulkProgress struct {
	Records    int64 // every record
	UserAssets int64 // owned copies
	Phase      string
}

// Admin is the admin layer over a store.
type Admin struct {
	Store Store
	Now   func() time.Time
}

// NewAdmin returns the admin layer over st.
func NewAdmin(st Store) *Admin { return &Admin{Store: st, Now: time.Now} }

// MaxTime is the last instant a date may hold (fixture documents, the
// admin API): 9999-12-31T23:59:59.999Z, as dates are kept to the
// millisecond.
var MaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)

func invalidf(format string, args ...any) error {
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf(format, args...)}
}

// The checks below are the fixture parser's own (fixture.go), so that an
// admin body accepts exactly what a fixture document accepts
// (docs/admin-api.md) and whatever the admin API stores exports to a
// document that imports again.

// fixtureCheck runs checks of the fixture parser and returns the first
// error, worded as in a document.
func fixtureCheck(checks func(p *fixtureParser)) error {
	var p fixtureParser
	checks(&p)
	return p.err
}

// checkName checks a required name: not blank, at most 1000 bytes, no NUL.
func checkName(field, s string) error {
	return fixtureCheck(func(p *fixtureParser) { p.name(field, s) })
}

// checkText checks an optional string: at most 1000 bytes, no NUL.
func checkText(field, s string) error {
	return fixtureCheck(func(p *fixtureParser) { p.text(field, s) })
}

// checkID checks an id: from 1 to MaxID.
func checkID(field string, id int64) error {
	return fixtureCheck(func(p *fixtureParser) { p.id(field, id) })
}

// checkAmount checks a price or stock a patch sets: from 0 to MaxID.
func checkAmount(field string, o Opt[int64]) error {
	if !o.Set {
		return nil
	}
	return fixtureCheck(func(p *fixtureParser) { p.amount(field, o.Value) })
}

// ParseTime parses an optional date of an admin body ("" is none) as a
// fixture document does: RFC 3339, kept to the millisecond in UTC, within
// the years 0001 to 9999 in UTC (what export can write back).
func ParseTime(field, s string) (*time.Time, error) {
	var t *time.Time
	err := fixtureCheck(func(p *fixtureParser) { t = p.optTime(field, s) })
	if err != nil {
		return nil, err
	}
	return t, nil
}

// checkTime checks a date given as a time (not parsed by ParseTime): within
// the years 0001 to 9999 in UTC, as ParseTime and fixture documents have it.
func checkTime(field string, t *time.Time) error {
	if t == nil {
		return nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return invalidf("%s: is out of range (years 0001 to 9999, in UTC)", field)
	}
	return nil
}

func checkOwner(field string, a Agent) error {
	if a.Type != AgentUser && a.Type != AgentGroup {
		return invalidf("%s.type: must be User or Group", field)
	}
	return checkID(field+".id", a.ID)
}

// CreateUser creates a user and returns it as stored.
func (a *Admin) CreateUser(ctx context.Context, u User) (User, error) {
	if err := a.Store.CreateUser(ctx, u); err != nil {
		return User{}, err
	}
	return a.Store.User(ctx, u.ID)
}

// UpdateUser changes a user: name, membership, privacy, ban.
func (a *Admin) UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	if p.Name != nil {
		if err := checkName("username", *p.Name); err != nil {
			return User{}, err
		}
	}
	if p.DisplayName != nil {
		if err := checkText("displayName", *p.DisplayName); err != nil {
			return User{}, err
		}
		if *p.DisplayName == "" {
			// As in a fixture document: no display name is the username,
			// so that an export re-imports to the same user.
			name := p.Name
			if name == nil {
				u, err := a.Store.User(ctx, id)
				if err != nil {
					return User{}, err
				}
				name = &u.Name
			}
			p.DisplayName = name
		}
	}
	if p.Membership != nil && (*p.Membership < 0 || *p.Membership > 4) {
		return User{}, invalidf("buildersClubMembershipType: must be 0..4")
	}
	if p.Privacy != nil && (*p.Privacy < PrivacyNoOne || *p.Privacy > PrivacyAllUsers) {
		return User{}, invalidf("inventoryPrivacy: unknown privacy %d", *p.Privacy)
	}
	return a.Store.UpdateUser(ctx, id, p)
}

// SetFriendship adds or removes a friendship between two users.
func (a *Admin) SetFriendship(ctx context.Context, user, friend int64, on bool) error {
	if user == friend {
		return invalidf("a user cannot befriend themselves")
	}
	return a.Store.SetFriendship(ctx, user, friend, on)
}

// SetFollow makes follower follow (or stop following) another user.
func (a *Admin) SetFollow(ctx context.Context, follower, following int64, on bool) error {
	if follower == following {
		return invalidf("a user cannot follow themselves")
	}
	return a.Store.SetFollow(ctx, follower, following, on)
}

// SessionCookiePrefix starts every .ROBLOSECURITY value Roblox issues.
const SessionCookiePrefix = "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_"

// CreateSession logs a user in: it returns a fresh .ROBLOSECURITY value
// and stores only its hash.
func (a *Admin) CreateSession(ctx context.Context, userID int64) (string, error) {
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := SessionCookiePrefix + strings.ToUpper(hex.EncodeToString(b))
	if err := a.Store.CreateSession(ctx, userID, HashToken(token)); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeSession ends one of a user's sessions; KindNotFound if the user has
// no session with that value.
func (a *Admin) RevokeSession(ctx context.Context, userID int64, token string) error {
	if token == "" {
		return invalidf("cookie: is required")
	}
	n, err := a.Store.RevokeSessions(ctx, userID, HashToken(token))
	if err == nil && n == 0 {
		err = Errorf(KindNotFound, "user %d has no such session", userID)
	}
	return err
}

// RevokeAllSessions ends every session of a user and returns how many.
func (a *Admin) RevokeAllSessions(ctx context.Context, userID int64) (int, error) {
	if _, err := a.Store.User(ctx, userID); err != nil {
		return 0, err
	}
	return a.Store.RevokeSessions(ctx, userID, nil)
}

// UpdateAsset changes an asset's name, prices, stock, moderation status or
// package contents.
func (a *Admin) UpdateAsset(ctx context.Context, id int64, p AssetPatch) (Asset, error) {
	if p.Name != nil {
		if err := checkName("name", *p.Name); err != nil {
			return Asset{}, err
		}
	}
	for _, f := range []struct {
		name string
		v    Opt[int64]
	}{{"recentAveragePrice", p.RAP}, {"originalPrice", p.OriginalPrice}, {"assetStock", p.Stock}, {"priceInRobux", p.Price}} {
		if err := checkAmount(f.name, f.v); err != nil {
			return Asset{}, err
		}
	}
	if p.Moderation != nil && (*p.Moderation < ModerationApproved || *p.Moderation > ModerationDisapproved) {
		return Asset{}, invalidf("moderationStatus: unknown status %d", *p.Moderation)
	}
	if p.PackageAssetIDs != nil {
		if err := CheckPackageContents("packageAssetIds", id, *p.PackageAssetIDs); err != nil {
			return Asset{}, err
		}
	}
	return a.Store.UpdateAsset(ctx, id, p)
}

// Grant gives a new copy of an asset to a user or group.
func (a *Admin) Grant(ctx context.Context, g GrantRequest) (UserAsset, error) {
	if err := checkID("assetId", g.AssetID); err != nil {
		return UserAsset{}, err
	}
	if err := checkOwner("owner", g.Owner); err != nil {
		return UserAsset{}, err
	}
	if err := checkTime("holdUntil", g.HoldUntil); err != nil {
		return UserAsset{}, err
	}
	if err := checkTime("expireAt", g.ExpireAt); err != nil {
		return UserAsset{}, err
	}
	return a.Store.Grant(ctx, g)
}

// Transfer moves a copy to another owner.
func (a *Admin) Transfer(ctx context.Context, t TransferRequest) (UserAsset, error) {
	if err := checkOwner("to", t.To); err != nil {
		return UserAsset{}, err
	}
	if err := checkTime("holdUntil", t.HoldUntil); err != nil {
		return UserAsset{}, err
	}
	if t.From == nil {
		// No from: the copy moves from the owner read here, as the
		// request is handled, and only from that owner. Two transfers of
		// one copy handled at once then never both succeed: the one that
		// commits second finds the owner it saw gone and gets a conflict.
		// One handled after another committed moves the copy on from
		// the new owner: only a from that the sender sends can tell
		// what the sender saw (docs/admin-api.md).
		cur, err := a.Store.UserAsset(ctx, t.UserAssetID)
		if err != nil {
			return UserAsset{}, err
		}
		if cur.Owner == t.To {
			return UserAsset{}, invalidf("to: user asset %d is already owned by %s %d", t.UserAssetID, t.To.Type, t.To.ID)
		}
		seen := cur.Owner
		t.From = &seen
		ua, err := a.Store.Transfer(ctx, t)
		if KindOf(err) == KindConflict {
			return ua, Errorf(KindConflict, "user asset %d changed owners while this transfer was in flight (it was %s %d's); nothing was moved",
				t.UserAssetID, seen.Type, seen.ID)
		}
		return ua, err
	}
	if err := checkOwner("from", *t.From); err != nil {
		return UserAsset{}, err
	}
	if *t.From == t.To {
		return UserAsset{}, invalidf("to: is the same owner as from")
	}
	return a.Store.Transfer(ctx, t)
}

// Revoke deletes a copy.
func (a *Admin) Revoke(ctx context.Context, userAssetID int64, from *Agent) (UserAsset, error) {
	if from != nil {
		if err := checkOwner("owner", *from); err != nil {
			return UserAsset{}, err
		}
	}
	return a.Store.Revoke(ctx, userAssetID, from)
}

// SetUserItem grants or revokes a game pass, badge or bundle.
func (a *Admin) SetUserItem(ctx context.Context, it UserItem, on bool) error {
	if it.Type != ItemGamePass && it.Type != ItemBadge && it.Type != ItemBundle {
		return invalidf("itemType: must be GamePass, Badge or Bundle (assets are granted as user assets)")
	}
	if on {
		if it.InstanceID != nil {
			if err := checkID("instanceId", *it.InstanceID); err != nil {
				return err
			}
		}
		if it.Created.IsZero() {
			it.Created = a.Now().UTC().Truncate(time.Millisecond)
		}
		if err := checkTime("created", &it.Created); err != nil {
			return err
		}
	}
	return a.Store.SetUserItem(ctx, it, on)
}

// SetUserPlace adds or removes a place on a user's places tab.
func (a *Admin) SetUserPlace(ctx context.Context, userID int64, tab PlacesTab, placeID int64, on bool) error {
	if tab != TabMyGames && tab != TabOtherGames && tab != TabPurchased {
		return invalidf("placesTab: must be MyGames, OtherGames or Purchased (Created lists the places a user created)")
	}
	return a.Store.SetUserPlace(ctx, userID, tab, placeID, on)
}
