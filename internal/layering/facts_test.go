package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// factFiles declare the project's facts: the routes, the metric names,
// dimensions and units, the env var names, the settings' values and
// defaults, and the IAM actions. Every string constant they declare
// (exported, or with a prefix, those whose name has it) is spelled there
// and imported everywhere else.
var factFiles = []struct{ path, prefix string }{
	{"pkg/config/config.go", ""},
	{"pkg/settings/settings.go", ""},
	{"pkg/healthhttp/routes.go", ""},
	{"pkg/metrics/datum.go", ""},
	{"pkg/metrics/history.go", ""},
	{"pkg/metrics/publisher.go", ""},
	{"pkg/gate/gate.go", ""},
	// Each kind's IAM actions.
	{"pkg/checks/dynamodb/dynamodb.go", "Action"},
	{"pkg/checks/eventbridge/eventbridge.go", "Action"},
	{"pkg/checks/kinesis/kinesis.go", "Action"},
	{"pkg/checks/rds/spec.go", "Action"},
	{"pkg/checks/redis/redis.go", "Action"},
	{"pkg/checks/s3/spec.go", "Action"},
	{"pkg/checks/secretsmanager/secretsmanager.go", "Action"},
	{"pkg/checks/sns/sns.go", "Action"},
	{"pkg/checks/sqs/spec.go", "Action"},
	// The IAM actions only the stack grants.
	{"infra/healthstack/actions.go", "action"},
}

// baselines are directories whose programs link nothing of the project on
// purpose (they are what it is measured against), and so spell what they
// share with it.
var baselines = map[string]string{
	"internal/coldstart/refserver":    "the cold-start baseline: a bare server that links none of the project",
	"internal/sizecmp/alexliesenfeld": "the size baseline: the same routes served by another library",
}

// sameSpelling are the literals that spell a fact's value but mean
// something else, by file.
var sameSpelling = map[string][]string{
	// The functions' names (functions/health), not the default service.
	"infra/healthstack/stack.go":                  {"health"},
	"infra/healthstack/security.go":               {"health", "Service"}, // and an IAM principal's key
	"infra/healthstack/healthstacktest/assets.go": {"health"},
	"pkg/healthhttp/handler.go":                   {"health"},                 // the route's name in the logs
	"infra/healthstack/dashboard.go":              {"Duration"},               // AWS/Lambda's metric
	"internal/rie/report.go":                      {"Duration"},               // a field of Lambda's REPORT line
	"infra/healthstack/props.go":                  {"Service", "Environment"}, // HealthProps' fields
	"internal/samlocal/sam.go":                    {"Environment"},            // a template's key
	"pkg/checks/eventbridge/eventbridge.go":       {"default"},                // EventBridge's default bus
	"infra/grantcheck/main.go":                    {"default"},                // samconfig.toml's default environment
	"examples/chilambda/main.go":                  {"/health"},                // the app's own mount point under /v1
}

// TestEachFactOnce: no non-test .go file of the repository (the Lambda
// module, infra/ and examples/) spells a string that a fact file declares
// as a constant; it imports the constant instead.
func TestEachFactOnce(t *testing.T) {
	root := filepath.Join("..", "..")
	facts := map[string]string{} // value -> "file: Name"
	for dir := range baselines {
		if _, err := os.Stat(filepath.Join(root, dir)); err != nil {
			t.Errorf("baseline %s: %v", dir, err)
		}
	}
	for _, ff := range factFiles {
		f := ff.path
		for name, value := range stringConsts(t, filepath.Join(root, f), ff.prefix) {
			if prev, ok := facts[value]; ok && !strings.HasPrefix(prev, f+":") {
				t.Errorf("%q is declared twice: %s and %s: %s", value, prev, f, name)
			}
			facts[value] = f + ": " + name
		}
	}
	if len(facts) < 40 {
		t.Fatalf("found %d fact constants in %v; the fact files moved?", len(facts), factFiles)
	}

	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		if d.IsDir() {
			if _, ok := baselines[rel]; ok || (path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata" || d.Name() == "cdk.out")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if v, err := strconv.Unquote(lit.Value); err == nil {
				// A fact file spells its own facts, and may spell no other.
				if decl, ok := facts[v]; ok && !strings.HasPrefix(decl, rel+":") && !slices.Contains(sameSpelling[rel], v) {
					t.Errorf("%s:%d spells %q, declared in %s: import it", rel, fset.Position(lit.Pos()).Line, v, decl)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// stringConsts returns the exported string constants of a Go file, or with
// a prefix those whose name has it: those given by a literal, or by a sum
// of literals and the file's other constants.
func stringConsts(t *testing.T, path, prefix string) map[string]string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	exprs := map[string]ast.Expr{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					exprs[name.Name] = vs.Values[i]
				}
			}
		}
	}
	var eval func(e ast.Expr) (string, bool)
	eval = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				v, err := strconv.Unquote(e.Value)
				return v, err == nil
			}
		case *ast.Ident:
			if x, ok := exprs[e.Name]; ok {
				return eval(x)
			}
		case *ast.ParenExpr:
			return eval(e.X)
		case *ast.BinaryExpr:
			if e.Op == token.ADD {
				x, okx := eval(e.X)
				y, oky := eval(e.Y)
				return x + y, okx && oky
			}
		}
		return "", false
	}
	consts := map[string]string{}
	for name, e := range exprs {
		if v, ok := eval(e); ok && v != "" && (prefix == "" && ast.IsExported(name) || prefix != "" && strings.HasPrefix(name, prefix)) {
			consts[name] = v
		}
	}
	return consts
}
