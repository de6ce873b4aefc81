package samlocal

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestBinfmtName(t *testing.T) {
	for line, want := range map[string]string{
		`:qemu-aarch64:M::\x7f\x45\x4c\x46:\xff\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF`: "qemu-aarch64",
		`,other,E,,exe,,/bin/x,`: "other",
		``:                       "",
	} {
		if got := binfmtName(line); got != want {
			t.Errorf("binfmtName(%q) = %q; want %q", line, got, want)
		}
	}
}

// TestUndoIptables: only what was added since the snapshot is undone:
// rules first, then the new chains (flushed, then deleted), and a changed
// policy is put back.
func TestUndoIptables(t *testing.T) {
	before := parseIptablesSave([]byte("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n"))
	now := parseIptablesSave([]byte("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n" +
		"-A INPUT -j ACCEPT\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -m comment --comment \"two words\" -j RETURN\nCOMMIT\n" +
		"*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\nCOMMIT\n"))
	got := undo(before, now)
	want := [][]string{
		{"-t", "filter", "-D", "DOCKER-USER", "-m", "comment", "--comment", "two words", "-j", "RETURN"},
		{"-t", "filter", "-D", "FORWARD", "-j", "DOCKER-USER"},
		{"-t", "filter", "-P", "FORWARD", "ACCEPT"},
		{"-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"},
		{"-t", "filter", "-F", "DOCKER"},
		{"-t", "filter", "-F", "DOCKER-USER"},
		{"-t", "nat", "-F", "DOCKER"},
		{"-t", "filter", "-X", "DOCKER"},
		{"-t", "filter", "-X", "DOCKER-USER"},
		{"-t", "nat", "-X", "DOCKER"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("undo =\n%q\nwant\n%q", got, want)
	}
	if u := undo(now, now); len(u) != 0 {
		t.Errorf("undo of no change = %q; want nothing", u)
	}
}

// TestStandInImage: the archive docker load reads: one image, tagged
// BaseImage, whose config says linux/arm64 and whose one layer holds
// busybox, Lambda's directories and the applets SAM's build step runs.
func TestStandInImage(t *testing.T) {
	var rootfs bytes.Buffer
	tw := tar.NewWriter(&rootfs)
	for _, h := range []*tar.Header{
		{Typeflag: tar.TypeDir, Name: "./", Mode: 0o755},
		{Typeflag: tar.TypeDir, Name: "./bin/", Mode: 0o755},
		{Typeflag: tar.TypeReg, Name: "./bin/busybox", Mode: 0o755, Size: 4},
		{Typeflag: tar.TypeDir, Name: "./tmp/", Mode: 0o1777},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte("\x7fELF"))
		}
	}
	tw.Close()
	var layer, archive bytes.Buffer
	if err := standInLayer(&rootfs, &layer); err != nil {
		t.Fatal(err)
	}
	if err := writeImageArchive(&archive, layer.Bytes(), BaseImage, "arm64"); err != nil {
		t.Fatal(err)
	}
	files := untar(t, archive.Bytes())
	var manifest []manifestEntry
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json = %s (%v); want one image", files["manifest.json"], err)
	}
	m := manifest[0]
	if !reflect.DeepEqual(m.RepoTags, []string{BaseImage}) || len(m.Layers) != 1 {
		t.Errorf("manifest = %+v; want tag %s and one layer", m, BaseImage)
	}
	var cfg imageConfig
	if err := json.Unmarshal(files[m.Config], &cfg); err != nil || cfg.Architecture != "arm64" || cfg.OS != "linux" {
		t.Errorf("config = %s (%v); want linux/arm64", files[m.Config], err)
	}
	if len(cfg.RootFS.DiffIDs) != 1 || !strings.HasPrefix(m.Layers[0], strings.TrimPrefix(cfg.RootFS.DiffIDs[0], "sha256:")) {
		t.Errorf("diff_ids %v do not name the layer %v", cfg.RootFS.DiffIDs, m.Layers)
	}
	entries := map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(files[m.Layers[0]]))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries[strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/")] = h
	}
	for _, d := range []string{"var/task", "var/runtime", "opt", "tmp", "var/rapid"} {
		if h := entries[d]; h == nil || h.Typeflag != tar.TypeDir {
			t.Errorf("layer has no directory %s", d)
		}
	}
	for _, a := range []string{"sh", "mv", "chmod"} {
		if h := entries["bin/"+a]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "busybox" {
			t.Errorf("layer has no /bin/%s -> busybox", a)
		}
	}
	if h := entries["tmp"]; h == nil || h.Mode != 0o1777 {
		t.Errorf("/tmp = %+v; want the root filesystem's, mode 1777", h)
	}
}

func untar(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name], _ = io.ReadAll(tr)
	}
}

// TestDeclareVariables: the local template declares the endpoints beside
// the template's own variables, and keeps CloudFormation's short tags.
func TestDeclareVariables(t *testing.T) {
	src := "Globals:\n  Function:\n    Environment:\n      Variables:\n        HEALTH_SERVICE: !Ref ServiceName\n" +
		"Resources:\n  F:\n    Type: AWS::Serverless::Function\n"
	out, err := declareVariables([]byte(src), []string{"AWS_ENDPOINT_URL", "HEALTH_SERVICE"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "HEALTH_SERVICE: !Ref ServiceName") {
		t.Errorf("the template's own variable changed:\n%s", out)
	}
	var doc struct {
		Globals struct {
			Function struct {
				Environment struct {
					Variables map[string]yaml.Node `yaml:"Variables"`
				} `yaml:"Environment"`
			} `yaml:"Function"`
		} `yaml:"Globals"`
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	vars := doc.Globals.Function.Environment.Variables
	if len(vars) != 2 || vars["AWS_ENDPOINT_URL"].Value != "" || vars["AWS_ENDPOINT_URL"].Kind != yaml.ScalarNode {
		t.Errorf("variables = %v; want HEALTH_SERVICE and an empty AWS_ENDPOINT_URL", vars)
	}
	out, err = declareVariables([]byte("Resources: {}\n"), []string{"AWS_ENDPOINT_URL"})
	if err != nil || !strings.Contains(string(out), "AWS_ENDPOINT_URL: \"\"") {
		t.Errorf("no Globals: %s, %v; want Globals made with the variable", out, err)
	}
}

func TestContainerViewAndPorts(t *testing.T) {
	local := map[string]string{
		"AWS_ENDPOINT_URL":          "http://127.0.0.1:4566",
		"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:4580",
		"LOCAL_PG_DSN":              "postgres://health:pw@127.0.0.1:55432/healthdb?sslmode=disable",
		"LOCAL_TABLE":               "health-local",
	}
	c := ContainerView(local, "10.213.7.1")
	if c["LOCAL_PG_DSN"] != "postgres://health:pw@10.213.7.1:55432/healthdb?sslmode=disable" || c["LOCAL_TABLE"] != "health-local" {
		t.Errorf("ContainerView = %v", c)
	}
	if got := LoopbackPorts(local); !reflect.DeepEqual(got, []int{4566, 4580, 55432}) {
		t.Errorf("LoopbackPorts = %v", got)
	}
	if got := EndpointNames(local); !reflect.DeepEqual(got, []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"}) {
		t.Errorf("EndpointNames = %v", got)
	}
}
