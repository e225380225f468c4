package amshape

import (
	"encoding/json"
	"maps"
	"testing"
)

// stringMapSeeds are objects that take the plain path and objects that
// fall back to encoding/json.
var stringMapSeeds = []string{
	`{"alertname":"DiskFull","instance":"db-1:9100","severity":"critical"}`,
	` { "a" : "1" ,	"b":"2"
	} `,
	`{}`, `null`, `{"a":"x","a":"y"}`, `{"é":"ü","k":""}`,
	`{"a":"line\nbreak"}`, `{"a":"\u00e9\"q\""}`, "{\"a\":\"\xff\"}", "{\"a\xfe\":\"b\"}",
	`{"a":1}`, `{"a":null}`, `{"a":{"b":"c"}}`, `{"a":["b"]}`, `{"a":true}`, `[]`, `"s"`,
}

// StringMap decodes what a map[string]string decodes, the same way.
func FuzzStringMap(f *testing.F) {
	for _, s := range stringMapSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var std map[string]string
		errStd := json.Unmarshal(data, &std)
		var got StringMap
		err := json.Unmarshal(data, &got)
		if (err == nil) != (errStd == nil) {
			t.Fatalf("%q: error %v, encoding/json's %v", data, err, errStd)
		}
		if err == nil && (!maps.Equal(got, StringMap(std)) || (got == nil) != (std == nil)) {
			t.Fatalf("%q: %#v, encoding/json's %#v", data, got, std)
		}
	})
}

// A plain object is decoded with a fixed few allocations (the map, the
// text its names and values share, and encoding/json's own) whatever its
// size: encoding/json makes one per name and per value, and grows a map
// past eight entries.
func TestStringMapAllocations(t *testing.T) {
	data := []byte(`{"alertname":"NodeFilesystemAlmostOutOfSpace","cluster":"prod-eu-1","device":"/dev/nvme0n1p1",` +
		`"fstype":"ext4","instance":"db-1:9100","job":"node","mountpoint":"/var/lib/postgresql","severity":"warning","team":"db"}`)
	count := func(v func() any) float64 {
		return testing.AllocsPerRun(100, func() {
			if err := json.Unmarshal(data, v()); err != nil {
				t.Fatal(err)
			}
		})
	}
	std := count(func() any { return new(map[string]string) })
	got := count(func() any { return new(StringMap) })
	t.Logf("nine labels: %v allocations, encoding/json %v", got, std)
	if got > std/2 {
		t.Errorf("%v allocations to decode nine labels, encoding/json's %v: want at most half", got, std)
	}
}
