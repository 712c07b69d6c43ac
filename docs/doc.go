// Package docs holds gatewright's reference pages. Its tests run the
// examples of docs/filters.md against a real gateway: every "## Kind"
// section's yaml example must load, and its check cases must hold.
package docs
