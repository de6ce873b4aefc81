package samlocal

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// BaseImage is the image `sam local` runs a provided.al2023 arm64 function
// on. No registry is reachable here, so StandIn builds one of that name.
const BaseImage = "public.ecr.aws/lambda/provided:al2023-arm64"

// standInDirs are the directories of Lambda's provided images that SAM and
// its emulator use: the function's code (/var/task), the runtime
// (/var/runtime), layers (/opt), scratch space (/tmp), the emulator
// (/var/rapid).
var standInDirs = []string{"var/task", "var/runtime", "opt", "tmp", "var/rapid"}

// standInApplets are busybox's applets that SAM's rapid image build runs:
// `RUN mv ... && chmod +x ...` (samcli/local/docker/lambda_image.py, with
// `cp` and `rm` when the function has layers), through /bin/sh.
var standInApplets = []string{"sh", "mv", "chmod", "cp", "rm"}

// standInEnv is the environment Lambda's provided images set.
var standInEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=en_US.UTF-8",
	"TZ=:/etc/localtime",
	"LAMBDA_TASK_ROOT=/var/task",
	"LAMBDA_RUNTIME_DIR=/var/runtime",
}

// StandIn builds BaseImage for linux/arm64 and loads it into the engine,
// unless it is there already: Debian's arm64 busybox-static, extracted by
// mmdebstrap (no package scripts run, so no arm64 code runs to build it),
// Lambda's directories and the applets SAM's build step runs, as one layer
// in an image whose config says arm64 (docker import would record the
// host's architecture).
func (e *Engine) StandIn(ctx context.Context, suite string) error {
	if err := run(ctx, e.Env(), "docker", "image", "inspect", BaseImage); err == nil {
		e.logf("%s: already loaded", BaseImage)
		return nil
	}
	start := time.Now()
	dir, err := os.MkdirTemp(e.Dir, "image")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	rootfs := filepath.Join(dir, "rootfs.tar")
	cmd := exec.CommandContext(ctx, "mmdebstrap", "--quiet", "--arch=arm64", "--variant=extract",
		"--include=busybox-static", "--skip=output/dev", suite, rootfs)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("mmdebstrap: %w: %s", err, out)
	}
	f, err := os.Open(rootfs)
	if err != nil {
		return err
	}
	defer f.Close()
	var layer bytes.Buffer
	if err := standInLayer(f, &layer); err != nil {
		return err
	}
	archive := filepath.Join(dir, "image.tar")
	out, err := os.Create(archive)
	if err != nil {
		return err
	}
	if err := writeImageArchive(out, layer.Bytes(), BaseImage, "arm64"); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := run(ctx, e.Env(), "docker", "load", "--input", archive); err != nil {
		return err
	}
	e.logf("%s: built and loaded in %.1f s (%d KB layer)", BaseImage, time.Since(start).Seconds(), layer.Len()/1024)
	return nil
}

// standInLayer copies the root filesystem tar r to w, then adds
// standInDirs and a /bin link to busybox for each of standInApplets.
func standInLayer(r io.Reader, w io.Writer) error {
	tr, tw := tar.NewReader(r), tar.NewWriter(w)
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("root filesystem: %w", err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(path.Clean("/"+h.Name), "/"), "/")
		seen[name] = true
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
	if !seen["bin/busybox"] {
		return fmt.Errorf("root filesystem: no bin/busybox (mmdebstrap --include=busybox-static)")
	}
	add := func(h *tar.Header) error {
		if seen[strings.TrimSuffix(h.Name, "/")] {
			return nil
		}
		seen[strings.TrimSuffix(h.Name, "/")] = true
		h.Format, h.ModTime = tar.FormatPAX, time.Unix(0, 0)
		return tw.WriteHeader(h)
	}
	for _, d := range standInDirs {
		parts := strings.Split(d, "/")
		for i := range parts {
			p := strings.Join(parts[:i+1], "/")
			mode := int64(0o755)
			if p == "tmp" {
				mode = 0o1777
			}
			if err := add(&tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: mode}); err != nil {
				return err
			}
		}
	}
	for _, a := range standInApplets {
		if err := add(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777}); err != nil {
			return err
		}
	}
	return tw.Close()
}

// imageConfig is the part of an image config (OCI image spec, as docker
// load reads it) that the stand-in needs.
type imageConfig struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		Env        []string `json:"Env"`
		WorkingDir string   `json:"WorkingDir"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

// manifestEntry is one image of a docker-archive's manifest.json.
type manifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// writeImageArchive writes a docker-archive (what docker save writes and
// docker load reads) of one image, tagged tag, for linux/arch, whose only
// layer is the uncompressed tar layer.
func writeImageArchive(w io.Writer, layer []byte, tag, arch string) error {
	sum := sha256.Sum256(layer)
	diffID := hex.EncodeToString(sum[:])
	var cfg imageConfig
	cfg.Architecture, cfg.OS = arch, "linux"
	cfg.Config.Env, cfg.Config.WorkingDir = standInEnv, "/var/task"
	cfg.RootFS.Type, cfg.RootFS.DiffIDs = "layers", []string{"sha256:" + diffID}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	cfgSum := sha256.Sum256(cfgJSON)
	cfgName := hex.EncodeToString(cfgSum[:]) + ".json"
	layerName := diffID + "/layer.tar"
	manifest, err := json.Marshal([]manifestEntry{{Config: cfgName, RepoTags: []string{tag}, Layers: []string{layerName}}})
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	for _, f := range []struct {
		name string
		data []byte
	}{{cfgName, cfgJSON}, {layerName, layer}, {"manifest.json", manifest}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}
