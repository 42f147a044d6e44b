package printers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteStreamed(t *testing.T) {
	type doc struct {
		Note  string   `json:"note"`
		Items []string `json:"items"`
		Empty []string `json:"empty"`
		Count int      `json:"count"`
	}
	// The note holds the text of the member, as a string may: it is no
	// member, and is left alone.
	envelope, err := json.MarshalIndent(doc{Note: `"items": []`, Items: []string{}, Empty: []string{}, Count: 2}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	items := []string{"a", "b <c>"}
	item := func(i int) ([]byte, error) { return json.Marshal(map[string]string{"name": items[i]}) }
	var got bytes.Buffer
	if err := writeStreamed(&got, envelope, streamedArray{key: "items", n: 2, item: item}, streamedArray{key: "empty", n: 0, item: item}); err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(struct {
		Note  string              `json:"note"`
		Items []map[string]string `json:"items"`
		Empty []string            `json:"empty"`
		Count int                 `json:"count"`
	}{`"items": []`, []map[string]string{{"name": "a"}, {"name": "b <c>"}}, []string{}, 2}, "", "  ")
	if got.String() != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want)
	}

	for _, c := range []struct{ envelope, want string }{
		{"{\n  \"other\": []\n}", `no empty "items" array`},
		{"{\n  \"a\": {\n    \"items\": []\n  },\n  \"items\": []\n}", `two empty "items" arrays`},
	} {
		if err := writeStreamed(&got, []byte(c.envelope), streamedArray{key: "items", item: item}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.envelope, err, c.want)
		}
	}
}
