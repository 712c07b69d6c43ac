package backend

// HashBytes is 32-bit FNV-1a. It does not allocate.
func HashBytes(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}
