package compression

// Test helpers shared with the external test package.
var (
	JSONBody = jsonBody
	Decode   = decode
)
