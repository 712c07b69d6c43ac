package backend

import (
	"strconv"

	"github.com/gatewright/gatewright/filter/internal/adapt"
)

// CheckPools checks a filter's pool list: no pool is nil, each passes
// validate (its errors are put under "pools[i]"), and exactly one is the
// main pool, the one isMain reports (the pool without a filter).
func CheckPools[P any](pools []*P, isMain func(*P) bool, validate func(*P) error) error {
	mains := 0
	for i, p := range pools {
		path := "pools[" + strconv.Itoa(i) + "]"
		if p == nil {
			return fieldError(path, "must be an object")
		}
		if isMain(p) {
			mains++
		}
		if err := validate(p); err != nil {
			return adapt.At(path, err)
		}
	}
	if mains != 1 {
		return fieldError("pools", "exactly one pool without filter (the main pool) is required, found %d", mains)
	}
	return nil
}
