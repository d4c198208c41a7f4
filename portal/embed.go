// Package portal holds the web portal's built bundle (portal/dist), embedded so that
// `healthd gateway` serves it at /portal/ without npm on the machine that runs it.
// The sources are in portal/src; `make portal` rebuilds dist and `make portal-check`
// fails when the committed bundle differs from a fresh build.
package portal

import "embed"

// Dist is the built bundle under dist/ (index.html, app.js, app.css).
//
//go:embed dist
var Dist embed.FS
