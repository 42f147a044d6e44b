// Command parsefloor is the floor tokenlint's speed is measured against: it
// reads every YAML file under its arguments, one after another on one
// goroutine, and parses each document into a yaml.v3 node tree, which it
// then drops. Nothing is checked, kept or printed but a count. make bench
// runs it beside tokenlint on the same corpus, as a whole process.
//
//	go run ./internal/cmd/parsefloor DIR|FILE...
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: parsefloor DIR|FILE...")
		os.Exit(2)
	}
	files, docs := 0, 0
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !isManifest(path) {
				return nil
			}
			n, err := parse(path)
			files, docs = files+1, docs+n
			return err
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "parsefloor:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "%d documents in %d files\n", docs, files)
}

func isManifest(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

// parse decodes every document of a file into a node tree.
func parse(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, fmt.Errorf("%s: %w", path, err)
		}
		n++
	}
}
