package api

import (
	"net/url"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// pageRequest is a parsed keyset page request.
type pageRequest struct {
	limit int
	order inventory.SortOrder
	cur   *inventory.Cursor
	disc  string
}

// pageSchema is how an endpoint's swagger declares limit and sortOrder.
type pageSchema struct {
	limitEnum bool      // limit ∈ {10, 25, 50, 100}; else 1..100
	sortErr   *apiError // the 400 for a sortOrder outside the enum
}

var (
	// enumPaging: owners of an asset, v2 inventory, v1 collectibles.
	enumPaging = pageSchema{limitEnum: true, sortErr: errSortOrder}
	// collectibleItemPaging: collectible-item owners, where limit is an
	// int32 without enum and sortOrder the integer enum {1, 2}.
	collectibleItemPaging = pageSchema{limitEnum: false, sortErr: errSortOrderInt}
)

// parsePage reads limit, sortOrder and cursor, in that order, as schema
// declares them. disc binds the cursor to the query: it names the
// endpoint, the subject and the filters, and the sort order is added
// here. An empty cursor is the first page (§2.5); a cursor that is
// malformed, tampered with or issued for another query is 400.
func (s *Server) parsePage(q url.Values, disc string, schema pageSchema) (pageRequest, error) {
	limit, err := parseLimit(q, schema.limitEnum)
	if err != nil {
		return pageRequest{}, err
	}
	order, err := parseSortAs(q, schema.sortErr)
	if err != nil {
		return pageRequest{}, err
	}
	pr := pageRequest{limit: limit, order: order, disc: disc + ";" + order.String()}
	if c := q.Get("cursor"); c != "" {
		cur, err := s.cursors.Decode(c, pr.disc)
		if err != nil || cur.Order != order {
			return pageRequest{}, errBadCursor
		}
		pr.cur = &cur
	}
	return pr, nil
}

// page is one page of rows and the cursors around it.
type page[T any] struct {
	rows       []T
	prev, next *string
}

// fetchPage runs a keyset page. fetch gets the store page (asking for one
// row more than the limit, to learn whether more follow); key gives a row's
// sort key. Page N costs the same single query as page 1 (keyset, never
// OFFSET). previousPageCursor is null on the first page and nextPageCursor
// null on the last (§2.5).
func fetchPage[T any](s *Server, pr pageRequest, fetch func(inventory.Page) ([]T, error), key func(T) inventory.Key) (page[T], error) {
	p := inventory.Page{Order: pr.order, Limit: pr.limit + 1}
	number := 1
	if pr.cur != nil {
		k := pr.cur.Key
		p.After, p.Backward, number = &k, pr.cur.Backward, pr.cur.PageNumber
	}
	rows, err := fetch(p)
	if err != nil {
		return page[T]{}, err
	}
	more := len(rows) > pr.limit
	var out page[T]
	if p.Backward {
		if !more { // reached the start: show the true first page
			return fetchPage(s, pageRequest{limit: pr.limit, order: pr.order, disc: pr.disc}, fetch, key)
		}
		rows = rows[1:]
		number = max(number, 2)
	} else if more {
		rows = rows[:pr.limit]
	}
	enc := func(k inventory.Key, backward bool, n int) *string {
		c := s.cursors.Encode(inventory.Cursor{Key: k, Order: pr.order, Backward: backward, PageNumber: n, Discriminator: pr.disc, Count: pr.limit})
		return &c
	}
	out.rows = rows
	if len(rows) > 0 {
		if p.Backward || more {
			out.next = enc(key(rows[len(rows)-1]), false, number+1)
		}
		if number > 1 {
			out.prev = enc(key(rows[0]), true, number-1)
		}
	} else if number > 1 && p.After != nil {
		out.prev = enc(*p.After, true, number-1)
	}
	return out, nil
}

// pageBody is ApiPageResponse[T] with explicit null cursors.
type pageBody[T any] struct {
	PreviousPageCursor *string `json:"previousPageCursor"`
	NextPageCursor     *string `json:"nextPageCursor"`
	Data               []T     `json:"data"`
}

// mapPage converts a page's rows into wire rows.
func mapPage[R, T any](p page[R], f func(R) T) pageBody[T] {
	data := make([]T, len(p.rows))
	for i, r := range p.rows {
		data[i] = f(r)
	}
	return pageBody[T]{PreviousPageCursor: p.prev, NextPageCursor: p.next, Data: data}
}
