//go:build !unix

package cli

import "io"

// termWidth is the width in columns of the terminal w writes to, 0 when
// unknown (not asked for off unix).
func termWidth(io.Writer) int { return 0 }
