package inventory

// Viewer is who is asking: an authenticated user, or anonymous (UserID 0).
type Viewer struct {
	UserID int64
}

// Anonymous reports whether the viewer has no session.
func (v Viewer) Anonymous() bool { return v.UserID == 0 }

// CanView applies the inventory privacy rule of wire-behaviour.md §3.4 [I]:
// the owner always sees their own inventory; AllUsers admits anonymous
// viewers; AllAuthenticatedUsers any session; FriendsFollowingAndFollowers
// friends, users the owner follows and the owner's followers;
// FriendsAndFollowing friends and users the owner follows; Friends friends;
// NoOne the owner only. rel is the relation of owner to viewer and is only
// consulted when the level needs it (see NeedsRelation).
func CanView(owner int64, p Privacy, v Viewer, rel Relation) bool {
	if !v.Anonymous() && v.UserID == owner {
		return true
	}
	switch p {
	case PrivacyAllUsers:
		return true
	case PrivacyAllAuthenticatedUsers:
		return !v.Anonymous()
	case PrivacyFriendsFollowingAndFollowers:
		return !v.Anonymous() && (rel.Friends || rel.OwnerFollows || rel.ViewerFollows)
	case PrivacyFriendsAndFollowing:
		return !v.Anonymous() && (rel.Friends || rel.OwnerFollows)
	case PrivacyFriends:
		return !v.Anonymous() && rel.Friends
	}
	return false
}

// NeedsRelation reports whether CanView needs the social relation for this
// owner, level and viewer, so callers can skip the look-up.
func NeedsRelation(owner int64, p Privacy, v Viewer) bool {
	if v.Anonymous() || v.UserID == owner {
		return false
	}
	return p == PrivacyFriends || p == PrivacyFriendsAndFollowing || p == PrivacyFriendsFollowingAndFollowers
}
