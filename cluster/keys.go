package cluster

// ObjectPrefix is the key prefix under which object specs live: the key of
// object <name> is ObjectPrefix + name, its value the object's JSON document.
const ObjectPrefix = "objects/"

// DataPrefix is the key prefix of custom data: the key of item <key> of data
// kind <kind> is DataPrefix + kind + "/" + key.
const DataPrefix = "data/"

// ObjectKey returns the key of the object spec named name.
func ObjectKey(name string) string {
	return ObjectPrefix + name
}

// DataKey returns the key of item key of the custom data kind kind.
func DataKey(kind, key string) string {
	return DataPrefix + kind + "/" + key
}
