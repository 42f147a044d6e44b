package analyzer

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Kustomizations are built in-process with kustomize's own library (krusty),
// with the options `kubectl kustomize` uses: files only from each
// kustomization's own root, no plugins, no exec or container functions, no
// Helm chart inflation. Nothing reaches the network: a remote resource or
// base is an input error found before kustomize would fetch it. Every file is
// read through kustomizeFS, which applies ReadFile's checks and limits and
// counts what the build reads, so that a hostile kustomization (a huge file,
// a device, a diamond of bases that multiplies without end) is an input error
// rather than a hang.
//
// The build is run with kustomize's origin and transformer annotations
// (buildMetadata: [originAnnotations, transformerAnnotations], added to the
// root kustomization as it is read): they name the file each object came from
// and the kustomization files whose patches were applied to it. They are read
// into a kustomizePlacer per object and removed before the objects are
// linted, so the stream linted is `kustomize build`'s output.

// kustomizationNames are the file names that make a directory a
// kustomization, in kustomize's order of preference.
var kustomizationNames = konfig.RecognizedKustomizationFileNames()

// kustomizationFile is the kustomization file of a directory, empty when it
// holds none.
func kustomizationFile(dir string) string {
	for _, name := range kustomizationNames {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	return ""
}

// isKustomizationDir reports whether a directory is a kustomization.
func isKustomizationDir(dir string) bool { return kustomizationFile(dir) != "" }

// kustomizationOf is the kustomization a file or directory belongs to: the
// nearest directory at or above it holding a kustomization file, looking no
// higher than the repository root (the first directory holding .git). It is
// named like the file: relative to the working directory when the file's
// name is relative.
func kustomizationOf(file string, dir bool) (string, bool) {
	d, ok := enclosingDir(file, dir, isKustomizationDir)
	if !ok {
		return "", false
	}
	return nameLike(file, d), true
}

// kustomizeResult is one kustomization built.
type kustomizeResult struct {
	// stream is the built objects as `kustomize build` prints them.
	stream []byte
	// placers place the findings of each document of stream, in order.
	placers []*kustomizePlacer
	// files are the absolute names of the files the build read, with their
	// text (kustomization files among them).
	files   map[string][]byte
	absRoot string
	// problem is why the build failed, when it did.
	problem *Problem
}

// kustomizeMaxReads bounds the files one build reads: kustomize reads a
// base once for every path to it, so bases shared along many paths
// multiply; no real overlay comes near.
const kustomizeMaxReads = 10000

// buildKustomization builds the kustomization in dir (named as the user
// named it) within the limits.
func (l *Loader) buildKustomization(dir string) (res *kustomizeResult) {
	lim := l.limits()
	res = &kustomizeResult{}
	kfile := kustomizationFile(dir)
	fail := func(pos Position, msg string) *kustomizeResult {
		res.problem = &Problem{Position: pos, Message: msg}
		res.stream, res.placers = nil, nil
		return res
	}
	absDir, err := filepath.Abs(dir)
	if err != nil || kfile == "" {
		return fail(Position{File: dir}, "cannot build kustomization: no kustomization file")
	}
	kfs := &kustomizeFS{
		FileSystem: filesys.MakeFsOnDisk(),
		root:       absDir,
		named:      dir,
		limit:      lim.MaxFileBytes,
		budget:     max(lim.MaxRenderBytes, lim.MaxFileBytes),
		maxBudget:  max(lim.MaxRenderBytes, lim.MaxFileBytes),
		reads:      kustomizeMaxReads,
		deadline:   time.Now().Add(lim.RenderTimeout),
		timeout:    lim.RenderTimeout,
		files:      map[string][]byte{},
	}
	res.files, res.absRoot = kfs.files, absDir
	defer func() {
		// kustomize's YAML library panics on some inputs: that is a
		// problem of the input, not the end of the run.
		if r := recover(); r != nil {
			res = fail(Position{File: kfile, Line: 1, Column: 1}, fmt.Sprintf("cannot build kustomization: kustomize failed: %v", r))
		}
	}()
	// As `kustomize build` and `kubectl kustomize` without flags: files
	// from each kustomization's root only, no plugins, the legacy order
	// unless the kustomization sets sortOptions.
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionUnspecified
	opts.PluginConfig = types.DisabledPluginConfig()
	opts.PluginConfig.HelmConfig.Enabled = false
	m, err := krusty.MakeKustomizer(opts).Run(kfs, absDir)
	if kfs.refused != nil {
		return fail(kfs.refused.Position, kfs.refused.Message)
	}
	if err != nil {
		return fail(buildErrorPosition(kfile, kfs.files, err), "cannot build kustomization: "+kustomizeMessage(err))
	}
	build := &kustomizeBuild{root: dir, absRoot: absDir, kfile: kfile, files: kfs.files, kustomizations: map[string]*kustomizationDoc{}, resources: map[string][]*Object{}}
	var out bytes.Buffer
	for i, r := range m.Resources() {
		origin, err := r.GetOrigin()
		if err != nil {
			origin = nil
		}
		transformations, err := r.GetTransformations()
		if err != nil {
			transformations = nil
		}
		if !kfs.userOrigin {
			if err := r.SetOrigin(nil); err != nil {
				return fail(Position{File: kfile, Line: 1, Column: 1}, "cannot build kustomization: "+err.Error())
			}
		}
		if !kfs.userTransformations {
			if err := r.ClearTransformations(); err != nil {
				return fail(Position{File: kfile, Line: 1, Column: 1}, "cannot build kustomization: "+err.Error())
			}
		}
		y, err := r.AsYAML()
		if err != nil {
			return fail(Position{File: kfile, Line: 1, Column: 1}, "cannot build kustomization: "+err.Error())
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(y)
		if int64(out.Len()) > lim.MaxRenderBytes {
			return fail(Position{File: kfile, Line: 1, Column: 1}, fmt.Sprintf("cannot build kustomization: it builds more than the limit of %s (limits.helmRenderSize)", formatBytes(lim.MaxRenderBytes)))
		}
		res.placers = append(res.placers, &kustomizePlacer{build: build, origin: origin, transformations: transformations})
	}
	res.stream = out.Bytes()
	return res
}

// kustomizeMessage is kustomize's error, without the absolute directory
// names it repeats.
func kustomizeMessage(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "--enable-helm") {
		return "it inflates a Helm chart (helmCharts), which tokenlint does not do: lint the chart directly (" + msg + ")"
	}
	return msg
}

var quoted = regexp.MustCompile(`'([^'\s]+)'|"([^"\s]+)"`)

// buildErrorPosition is where a build error is reported: the line of the
// root kustomization that names a file or directory the message names, or
// the kustomization's first line.
func buildErrorPosition(kfile string, files map[string][]byte, err error) Position {
	pos := Position{File: kfile, Line: 1, Column: 1}
	abs, _ := filepath.Abs(kfile)
	text, ok := files[abs]
	if !ok {
		return pos
	}
	lines := strings.Split(string(text), "\n")
	for _, m := range quoted.FindAllStringSubmatch(err.Error(), -1) {
		word := m[1] + m[2]
		for i, line := range lines {
			t := strings.TrimSpace(line)
			t = strings.TrimSpace(strings.TrimPrefix(t, "-"))
			if t == word || strings.HasSuffix(t, " "+word) || strings.HasSuffix(t, ": "+word) {
				return Position{File: kfile, Line: i + 1, Column: strings.Index(line, word) + 1}
			}
		}
	}
	return pos
}

// kustomizeFS is the disk as kustomize sees it: reading only, every file
// through ReadFile's checks and the file size limit, all files together
// within a budget, and each kustomization file checked before kustomize
// acts on it (see checkKustomization). The root kustomization is given the
// build metadata that makes kustomize annotate origins.
type kustomizeFS struct {
	filesys.FileSystem
	root, named string
	limit       int64
	budget      int64
	// The build stops at the first read after the deadline: kustomize's
	// work between two reads is bounded by what it has read.
	deadline  time.Time
	timeout   time.Duration
	maxBudget int64
	reads     int
	files     map[string][]byte
	// refused is the problem that stopped the build, when this file
	// system refused a file.
	refused *Problem
	// userOrigin and userTransformations record that the root
	// kustomization asks for the annotations itself: they are then kept.
	userOrigin, userTransformations bool
}

// display is the name of an absolute path as the user named the build.
func (k *kustomizeFS) display(abs string) string { return displayName(k.named, k.root, abs) }

func displayName(named, root, abs string) string {
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return abs
	}
	return filepath.Join(named, rel)
}

func (k *kustomizeFS) refuse(pos Position, msg string) error {
	if k.refused == nil {
		k.refused = &Problem{Position: pos, Message: msg}
	}
	return errors.New(msg)
}

func (k *kustomizeFS) ReadFile(path string) ([]byte, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	kfile := filepath.Join(k.root, filepath.Base(kustomizationFile(k.root)))
	// Every read counts, repeated ones too: a base shared along many
	// paths is read, and built, once for each.
	if k.reads--; k.reads < 0 {
		return nil, k.refuse(Position{File: k.display(kfile), Line: 1, Column: 1}, fmt.Sprintf("cannot build kustomization: it reads more than %d files: are its bases shared along many paths?", kustomizeMaxReads))
	}
	if time.Now().After(k.deadline) {
		return nil, k.refuse(Position{File: k.display(kfile), Line: 1, Column: 1}, fmt.Sprintf("cannot build kustomization: building took longer than the limit of %v (limits.helmRenderTimeout)", k.timeout))
	}
	data, ok := k.files[abs]
	if !ok {
		if data, err = ReadFile(abs, k.limit); err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				return nil, k.refuse(Position{File: k.display(abs), Line: 1, Column: 1}, readProblem(err))
			}
			return nil, err
		}
		k.files[abs] = data
	}
	if k.budget -= int64(len(data)); k.budget < 0 {
		return nil, k.refuse(Position{File: k.display(kfile), Line: 1, Column: 1}, fmt.Sprintf("cannot build kustomization: the files it reads add up to more than %s (limits.helmRenderSize)", formatBytes(k.maxBudget)))
	}
	if !slices.Contains(kustomizationNames, filepath.Base(abs)) {
		return data, nil
	}
	if p := checkKustomization(k.display(abs), data); p != nil {
		return nil, k.refuse(p.Position, p.Message)
	}
	if filepath.Dir(abs) != k.root {
		return data, nil
	}
	return k.annotated(data), nil
}

// annotated is the root kustomization with the build metadata that makes
// kustomize annotate each object with its origin and transformations.
func (k *kustomizeFS) annotated(data []byte) []byte {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return data // kustomize reports it
	}
	root := deref(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return data
	}
	_, meta := lookupKey(root, "buildMetadata")
	if meta == nil {
		meta = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "buildMetadata"}, meta)
	}
	if meta.Kind != yaml.SequenceNode {
		return data
	}
	has := map[string]bool{}
	for _, n := range meta.Content {
		has[n.Value] = true
	}
	k.userOrigin, k.userTransformations = has[types.OriginAnnotations], has[types.TransformerAnnotations]
	for _, want := range []string{types.OriginAnnotations, types.TransformerAnnotations} {
		if !has[want] {
			meta.Content = append(meta.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: want})
		}
	}
	out, err := yaml.Marshal(root)
	if err != nil {
		return data
	}
	return out
}

// Open is for kustomize's few readers of open files: it refuses what
// ReadFile refuses.
func (k *kustomizeFS) Open(path string) (filesys.File, error) {
	info, err := statRegular(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > k.limit {
		return nil, tooLarge(path, k.limit)
	}
	return k.FileSystem.Open(path)
}

var errReadOnly = errors.New("tokenlint builds kustomizations without writing files")

func (k *kustomizeFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (k *kustomizeFS) Mkdir(string) error                  { return errReadOnly }
func (k *kustomizeFS) MkdirAll(string) error               { return errReadOnly }
func (k *kustomizeFS) RemoveAll(string) error              { return errReadOnly }
func (k *kustomizeFS) WriteFile(string, []byte) error      { return errReadOnly }

// checkKustomization finds what tokenlint does not build in a kustomization
// file before kustomize acts on it: a remote resource, base, component or
// file (kustomize would clone or download it), and Helm chart inflation.
// The problem is at the line that asks for it.
func checkKustomization(file string, data []byte) *Problem {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil // kustomize reports it
	}
	root := deref(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	at := func(n *yaml.Node) Position { return Position{File: file, Line: n.Line, Column: n.Column} }
	for _, key := range []string{"helmCharts", "helmChartInflationGenerator"} {
		if k, v := lookupKey(root, key); k != nil && v != nil && len(v.Content) > 0 {
			return &Problem{Position: at(k), Message: "cannot build kustomization: it inflates a Helm chart (" + key + "), which tokenlint does not do: lint the chart directly"}
		}
	}
	remote := func(n *yaml.Node, what string) *Problem {
		if n == nil || n.Kind != yaml.ScalarNode || strings.Contains(n.Value, "\n") {
			return nil
		}
		v := n.Value
		if i := strings.IndexByte(v, '='); i >= 0 && what == "file" {
			v = v[i+1:]
		}
		if isRemote(v) {
			return &Problem{Position: at(n), Message: fmt.Sprintf("cannot build kustomization: %s %q is remote, and tokenlint reads no network. Vendor it into the repository, or pipe what kustomize builds to tokenlint lint -", what, v)}
		}
		return nil
	}
	list := func(key string) []*yaml.Node {
		if _, v := lookupKey(root, key); v != nil && v.Kind == yaml.SequenceNode {
			return v.Content
		}
		return nil
	}
	for _, key := range []string{"resources", "bases", "components", "crds", "configurations", "generators", "transformers", "validators", "patchesStrategicMerge"} {
		for _, n := range list(key) {
			if p := remote(n, "resource"); p != nil {
				return p
			}
		}
	}
	for _, key := range []string{"patches", "patchesJson6902", "replacements"} {
		for _, n := range list(key) {
			_, path := lookupKey(n, "path")
			if p := remote(path, "file"); p != nil {
				return p
			}
		}
	}
	for _, key := range []string{"configMapGenerator", "secretGenerator"} {
		for _, n := range list(key) {
			for _, field := range []string{"files", "envs"} {
				if _, v := lookupKey(n, field); v != nil && v.Kind == yaml.SequenceNode {
					for _, f := range v.Content {
						if p := remote(f, "file"); p != nil {
							return p
						}
					}
				}
			}
			_, env := lookupKey(n, "env")
			if p := remote(env, "file"); p != nil {
				return p
			}
		}
	}
	if _, v := lookupKey(root, "openapi"); v != nil {
		_, path := lookupKey(v, "path")
		if p := remote(path, "file"); p != nil {
			return p
		}
	}
	return nil
}

// isRemote reports whether kustomize would fetch a resource or file from the
// network, as its parser of remote addresses reads them: a URL (any
// scheme: kustomize clones ssh://, https://, http:// and file:// and
// downloads http(s) files), a git address with a user (git@host:org/repo),
// a GitHub address without a scheme (github.com/org/repo), or any of these
// behind the git:: prefix kustomize strips.
func isRemote(p string) bool {
	if len(p) >= 5 && strings.EqualFold(p[:5], "git::") {
		return true
	}
	lower := strings.ToLower(p)
	return strings.Contains(p, "://") || gitUser.MatchString(p) ||
		strings.HasPrefix(lower, "github.com/") || strings.HasPrefix(lower, "github.com:")
}

// gitUser is how kustomize tells a git address with a user name.
var gitUser = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]*@`)

// uses adds to used the files the build read, and to usedDirs the
// kustomizations it read other than its own (self): its bases and
// components, built only through it. A build that failed uses, besides,
// every manifest file of its own directory: the input error stands for
// them, and a patch read on its own would be judged as a whole object.
func (kr *kustomizeResult) uses(self string, used, usedDirs map[string]bool) {
	for f := range kr.files {
		used[f] = true
		if slices.Contains(kustomizationNames, filepath.Base(f)) && filepath.Dir(f) != self {
			usedDirs[filepath.Dir(f)] = true
		}
	}
	if kr.problem == nil {
		return
	}
	entries, _ := os.ReadDir(self)
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".yaml", ".yml", ".json":
			used[filepath.Join(self, e.Name())] = true
		}
	}
}

// addKustomization adds what a build gave to the input: its problem, or the
// suppression comments of every file it read, each file scanned once however
// many builds read it; it returns the build's documents, each with its
// placer.
func (l *Loader) addKustomization(in, target *Input, kr *kustomizeResult, src input, context bool) []chunk {
	if kr.problem != nil {
		target.Problems = append(target.Problems, *kr.problem)
		return nil
	}
	target.Files++
	if in.scanned == nil {
		in.scanned = map[string]bool{}
	}
	for _, abs := range slices.Sorted(maps.Keys(kr.files)) {
		name := displayName(src.name, kr.absRoot, abs)
		if !context {
			in.linted[name] = true
		}
		if in.scanned[abs] {
			continue
		}
		in.scanned[abs] = true
		ds := scanDirectives(name, kr.files[abs])
		for k := range ds {
			ds[k].Context = context
		}
		in.Directives = append(in.Directives, ds...)
	}
	if !context {
		in.linted[src.name] = true
	}
	cs := splitDocuments(src.name, kr.stream)
	if len(cs) == len(kr.placers) {
		for k := range cs {
			cs[k].place = kr.placers[k].bind
		}
	}
	return cs
}
