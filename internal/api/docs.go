package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/inventoryd/inventoryd/internal/api/swagger"
)

// The API documents, as inventory.roblox.com served them (issue 5): the
// Swagger 2.0 documents at /docs/json/v1 and /docs/json/v2, and a plain
// HTML index at /docs. Roblox's documents name host inventory.roblox.com
// and scheme https; ours name the Host the request was sent to and the
// scheme it arrived on, so tools pointed at the JSON call this server.

// swaggerDoc is one embedded document split around its top-level "host"
// and "schemes" values, so that serving it is two splices, not a decode.
type swaggerDoc struct {
	version string // "v1" or "v2"
	raw     []byte
	// spans are the byte ranges of the top-level host and schemes values
	// in raw, in document order; a missing key has no span.
	spans []docSpan
}

type docSpan struct {
	key        string
	start, end int
}

// parseSwaggerDoc finds the top-level "host" and "schemes" values of raw.
func parseSwaggerDoc(version string, raw []byte) (*swaggerDoc, error) {
	d := &swaggerDoc{version: version, raw: raw}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("swagger %s: not a JSON object", version)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("swagger %s: %w", version, err)
		}
		key, _ := t.(string)
		keyEnd := dec.InputOffset()
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("swagger %s: %s: %w", version, key, err)
		}
		if key != "host" && key != "schemes" {
			continue
		}
		// The value starts after the colon that follows the key.
		start := keyEnd + int64(bytes.IndexByte(raw[keyEnd:], ':')) + 1
		for start < int64(len(raw)) && strings.IndexByte(" \t\r\n", raw[start]) >= 0 {
			start++
		}
		d.spans = append(d.spans, docSpan{key: key, start: int(start), end: int(dec.InputOffset())})
	}
	return d, nil
}

// render returns the document with host and schemes replaced.
func (d *swaggerDoc) render(host, scheme string) []byte {
	h, _ := marshalJSON(host)
	sc, _ := marshalJSON([]string{scheme})
	var b bytes.Buffer
	b.Grow(len(d.raw) + len(h))
	last := 0
	for _, sp := range d.spans {
		b.Write(d.raw[last:sp.start])
		if sp.key == "host" {
			b.Write(h)
		} else {
			b.Write(sc)
		}
		last = sp.end
	}
	b.Write(d.raw[last:])
	return b.Bytes()
}

// apiDocs is everything /docs serves, built once from the embedded
// documents on first use.
type apiDocs struct {
	docs map[string]*swaggerDoc
	html []byte
}

var loadDocs = sync.OnceValues(func() (*apiDocs, error) {
	a := &apiDocs{docs: map[string]*swaggerDoc{}}
	var pages []docPage
	for _, d := range []struct {
		version string
		raw     []byte
	}{{"v1", swagger.V1}, {"v2", swagger.V2}} {
		sd, err := parseSwaggerDoc(d.version, d.raw)
		if err != nil {
			return nil, err
		}
		a.docs[d.version] = sd
		p, err := buildDocPage(d.version, d.raw)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	var b bytes.Buffer
	if err := docsTemplate.Execute(&b, pages); err != nil {
		return nil, err
	}
	a.html = b.Bytes()
	return a, nil
})

// requestHost is the host the client addressed: the Host header, else the
// local address the connection arrived on (HTTP/1.0 without Host).
func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return a.String()
	}
	return "inventory.roblox.com"
}

// requestScheme is https on TLS connections or when a proxy in front says
// so (X-Forwarded-Proto), http otherwise.
func requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto"))); p == "https" || p == "http" {
		return p
	}
	return "http"
}

// docsJSON serves GET /docs/json/{version}: the swagger document with this
// server's host and scheme.
func (s *Server) docsJSON(version string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := loadDocs()
		if err != nil {
			return err
		}
		writeRaw(w, http.StatusOK, a.docs[version].render(requestHost(r), requestScheme(r)))
		return nil
	}
}

// docsIndex serves GET /docs and /docs/index.html: every operation of both
// documents with its parameters and answers, and links to the JSON.
func (s *Server) docsIndex(w http.ResponseWriter, r *http.Request) error {
	a, err := loadDocs()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.html)
	return nil
}

// The page model.

type docPage struct {
	Version     string
	Title       string
	Description string
	JSONPath    string
	Operations  []docOperation
}

type docOperation struct {
	Anchor      string
	Method      string
	Path        string
	Summary     string
	Description string
	Deprecated  bool
	Obsolete    string
	Parameters  []docParameter
	Responses   []docResponse
}

type docParameter struct {
	Name, In, Type, Description string
	Required                    bool
	Default                     string
	Enum                        string
}

type docResponse struct {
	Status, Description string
	Schema              string
}

// swaggerJSON is the part of a Swagger 2.0 document the page shows.
type swaggerJSON struct {
	Info struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Paths map[string]map[string]struct {
		Summary     string `json:"summary"`
		Description string `json:"description"`
		Deprecated  bool   `json:"deprecated"`
		Properties  struct {
			Obsolete string `json:"obsoleteMessage"`
		} `json:"properties"`
		Parameters []struct {
			Name             string          `json:"name"`
			In               string          `json:"in"`
			Type             string          `json:"type"`
			Format           string          `json:"format"`
			Description      string          `json:"description"`
			Required         bool            `json:"required"`
			Default          json.RawMessage `json:"default"`
			Enum             []any           `json:"enum"`
			CollectionFormat string          `json:"collectionFormat"`
			Items            *struct {
				Type        string `json:"type"`
				Description string `json:"description"`
				Enum        []any  `json:"enum"`
			} `json:"items"`
		} `json:"parameters"`
		Responses map[string]struct {
			Description string `json:"description"`
			Schema      *struct {
				Ref  string `json:"$ref"`
				Type string `json:"type"`
			} `json:"schema"`
		} `json:"responses"`
	} `json:"paths"`
}

// enumNamesRe picks "'Name' = 12" pairs out of a Roblox enum description.
var enumNamesRe = regexp.MustCompile(`'([^']+)'\s*=\s*(-?\d+)`)

var methodOrder = map[string]int{"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}

func buildDocPage(version string, raw []byte) (docPage, error) {
	var doc swaggerJSON
	if err := json.Unmarshal(raw, &doc); err != nil {
		return docPage{}, fmt.Errorf("swagger %s: %w", version, err)
	}
	p := docPage{Version: version, Title: doc.Info.Title, Description: doc.Info.Description, JSONPath: "/docs/json/" + version}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if _, ok := methodOrder[method]; !ok {
				continue // "parameters" shared by a path item, extensions
			}
			o := docOperation{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description,
				Deprecated: op.Deprecated, Obsolete: op.Properties.Obsolete}
			o.Anchor = version + "-" + strings.ToLower(o.Method) + "-" + anchorText(path)
			for _, pa := range op.Parameters {
				dp := docParameter{Name: pa.Name, In: pa.In, Type: pa.Type, Description: pa.Description, Required: pa.Required}
				if pa.Format != "" {
					dp.Type += " (" + pa.Format + ")"
				}
				enum, enumDesc := pa.Enum, pa.Description
				if pa.Items != nil {
					dp.Type = "array of " + pa.Items.Type
					if pa.CollectionFormat != "" {
						dp.Type += ", " + pa.CollectionFormat
					}
					if len(enum) == 0 {
						enum, enumDesc = pa.Items.Enum, pa.Items.Description
					}
				}
				if len(pa.Default) > 0 {
					dp.Default = string(pa.Default)
				}
				if len(enum) > 0 {
					// Roblox names integer enum members in the description:
					// " ['Image' = 1, 'TShirt' = 2, ...]".
					if names := enumNamesRe.FindAllStringSubmatch(enumDesc, -1); len(names) > 0 {
						parts := make([]string, len(names))
						for i, m := range names {
							parts[i] = m[1] + " = " + m[2]
						}
						dp.Enum = strings.Join(parts, ", ")
						if i := strings.Index(dp.Description, "["); i >= 0 && enumDesc == dp.Description {
							dp.Description = strings.TrimSpace(dp.Description[:i])
						}
					} else {
						parts := make([]string, len(enum))
						for i, e := range enum {
							parts[i] = fmt.Sprint(e)
						}
						dp.Enum = strings.Join(parts, ", ")
					}
				}
				o.Parameters = append(o.Parameters, dp)
			}
			for status, re := range op.Responses {
				dr := docResponse{Status: status, Description: re.Description}
				if re.Schema != nil {
					dr.Schema = re.Schema.Type
					if re.Schema.Ref != "" {
						dr.Schema = strings.TrimPrefix(re.Schema.Ref, "#/definitions/")
					}
				}
				o.Responses = append(o.Responses, dr)
			}
			sort.Slice(o.Responses, func(i, j int) bool { return o.Responses[i].Status < o.Responses[j].Status })
			p.Operations = append(p.Operations, o)
		}
	}
	sort.Slice(p.Operations, func(i, j int) bool {
		a, b := p.Operations[i], p.Operations[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return methodOrder[strings.ToLower(a.Method)] < methodOrder[strings.ToLower(b.Method)]
	})
	return p, nil
}

func anchorText(path string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, path), "-")
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>inventoryd: Inventory Api</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
code, .path { font-family: ui-monospace, monospace; }
.op { border: 1px solid #ccc; border-radius: 4px; margin: 1em 0; padding: 0.5em 1em; }
.method { display: inline-block; min-width: 4.5em; font-weight: bold; }
.deprecated .path { text-decoration: line-through; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td, .op p { white-space: pre-line; }
</style>
</head>
<body>
<h1>Inventory Api</h1>
<p>The inventory.roblox.com web API as served by inventoryd. The machine-readable documents are Roblox's Swagger 2.0 documents with this server's host:
{{range .}}<a href="{{.JSONPath}}">{{.JSONPath}}</a> {{end}}</p>
<ul>
{{range .}}<li><a href="#{{.Version}}">{{.Title}}</a>: {{len .Operations}} operations (<a href="{{.JSONPath}}">JSON</a>)</li>
{{end}}</ul>
{{range .}}
<h2 id="{{.Version}}">{{.Title}}</h2>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p>Swagger document: <a href="{{.JSONPath}}">{{.JSONPath}}</a></p>
{{range .Operations}}
<div class="op{{if .Deprecated}} deprecated{{end}}" id="{{.Anchor}}">
<h3><span class="method">{{.Method}}</span> <span class="path">{{.Path}}</span>{{if .Deprecated}} (deprecated){{end}}</h3>
{{if .Summary}}<p>{{.Summary}}</p>{{end}}
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Obsolete}}<p><em>{{.Obsolete}}</em></p>{{end}}
{{if .Parameters}}<table>
<tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>default</th><th>allowed values</th><th>description</th></tr>
{{range .Parameters}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Type}}</td><td>{{if .Required}}yes{{else}}no{{end}}</td><td>{{.Default}}</td><td>{{.Enum}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{else}}<p>No parameters.</p>{{end}}
{{if .Responses}}<table>
<tr><th>status</th><th>body</th><th>description</th></tr>
{{range .Responses}}<tr><td>{{.Status}}</td><td>{{if .Schema}}<code>{{.Schema}}</code>{{end}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}
</div>
{{end}}{{end}}
</body>
</html>
`))
